import { scoreRange, surveyQuestions } from '../domain/surveys';
import { surveyStringsFor } from '../domain/surveys/strings';
import { render } from './index';

/**
 * The survey's pages (M6.3), in the contact's language: the form (three 1–5 scales and free text,
 * no script), and the one-line answers to it (thanks, already answered, a link that does not work).
 */

const scores = Array.from({ length: scoreRange.max - scoreRange.min + 1 }, (_, i) => scoreRange.min + i);

export function surveyFormPage(p: { incidentId: string; language: string; action: string }): string {
  const { language, words } = surveyStringsFor(p.language);
  return render('survey', {
    lang: language, title: words.title, form: true, lead: words.lead(p.incidentId), action: p.action,
    questions: surveyQuestions.map((name) => ({ name, text: words.questions[name], scores })),
    low: words.low, high: words.high, comment: words.comment, submit: words.submit,
  });
}

export type SurveyNotice = 'thanks' | 'answered' | 'invalid' | 'expired';

export function surveyNoticePage(language: string | undefined, notice: SurveyNotice): string {
  const { language: lang, words } = surveyStringsFor(language);
  const [title, message] = {
    thanks: [words.thanksTitle, words.thanks],
    answered: [words.answeredTitle, words.answered],
    invalid: [words.invalidTitle, words.invalid],
    expired: [words.invalidTitle, words.expired],
  }[notice];
  return render('survey', { lang, title, form: false, message });
}
