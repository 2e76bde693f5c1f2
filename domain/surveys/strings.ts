/**
 * The survey's words (M6.3) in each language Herald's customers read, for its email and its form:
 * a contact reads them in their account's locale, else English.
 */

export interface SurveyStrings {
  /** The email's subject, before the incident's ID (added after the gate, as links are). */
  subject: string;
  reminderSubject: string;
  /** The email's opening: why we ask. */
  intro: string;
  reminder: string;
  /** Before the link in the email. */
  linkLine: string;
  unsubscribe: string;
  /** The form page. */
  title: string;
  lead: (incidentId: string) => string;
  questions: { clarity: string; frequency: string; usefulness: string };
  /** The ends of the 1–5 scale. */
  low: string;
  high: string;
  comment: string;
  submit: string;
  thanksTitle: string;
  thanks: string;
  answeredTitle: string;
  answered: string;
  invalidTitle: string;
  invalid: string;
  expired: string;
}

const strings: Record<string, SurveyStrings> = {
  en: {
    subject: 'How did we keep you informed?',
    reminderSubject: 'Reminder: how did we keep you informed?',
    intro: 'The incident is resolved. Three quick questions tell us whether our updates were clear, frequent enough and useful to you.',
    reminder: 'We would still value your answer; this is the only reminder.',
    linkLine: 'Answer here (one minute; the link works once):',
    unsubscribe: 'To stop receiving these emails:',
    title: 'How did we keep you informed?',
    lead: (id) => `About our updates on incident ${id}. 1 is the lowest score, 5 the highest.`,
    questions: { clarity: 'How clear were our updates?', frequency: 'Did they come often enough?', usefulness: 'How useful were they to you?' },
    low: 'poor', high: 'excellent',
    comment: 'Anything else you want to tell us (optional)',
    submit: 'Send my answers',
    thanksTitle: 'Thank you', thanks: 'Your answers are recorded. They help us write better updates.',
    answeredTitle: 'Already answered', answered: 'This survey has been answered already; each link takes one answer.',
    invalidTitle: 'This link does not work', invalid: 'This survey link was not made by Herald or was altered; use the link of the email itself.',
    expired: 'This survey link has expired.',
  },
  de: {
    subject: 'Wie gut haben wir Sie informiert?',
    reminderSubject: 'Erinnerung: Wie gut haben wir Sie informiert?',
    intro: 'Der Vorfall ist behoben. Drei kurze Fragen sagen uns, ob unsere Meldungen klar, häufig genug und nützlich für Sie waren.',
    reminder: 'Ihre Antwort ist uns weiterhin wichtig; dies ist die einzige Erinnerung.',
    linkLine: 'Hier antworten (eine Minute; der Link gilt einmal):',
    unsubscribe: 'Um diese E-Mails nicht mehr zu erhalten:',
    title: 'Wie gut haben wir Sie informiert?',
    lead: (id) => `Zu unseren Meldungen zum Vorfall ${id}. 1 ist die niedrigste Bewertung, 5 die höchste.`,
    questions: { clarity: 'Wie klar waren unsere Meldungen?', frequency: 'Kamen sie oft genug?', usefulness: 'Wie nützlich waren sie für Sie?' },
    low: 'schlecht', high: 'ausgezeichnet',
    comment: 'Möchten Sie uns noch etwas sagen? (optional)',
    submit: 'Antworten senden',
    thanksTitle: 'Vielen Dank', thanks: 'Ihre Antworten sind gespeichert. Sie helfen uns, bessere Meldungen zu schreiben.',
    answeredTitle: 'Bereits beantwortet', answered: 'Diese Umfrage wurde bereits beantwortet; jeder Link nimmt eine Antwort an.',
    invalidTitle: 'Dieser Link funktioniert nicht', invalid: 'Dieser Umfragelink stammt nicht von Herald oder wurde verändert; verwenden Sie den Link aus der E-Mail.',
    expired: 'Dieser Umfragelink ist abgelaufen.',
  },
  fr: {
    subject: 'Vous avons-nous bien informé ?',
    reminderSubject: 'Rappel : vous avons-nous bien informé ?',
    intro: 'L’incident est résolu. Trois questions rapides nous disent si nos messages étaient clairs, assez fréquents et utiles pour vous.',
    reminder: 'Votre réponse nous intéresse toujours ; ceci est le seul rappel.',
    linkLine: 'Répondre ici (une minute ; le lien sert une fois) :',
    unsubscribe: 'Pour ne plus recevoir ces e-mails :',
    title: 'Vous avons-nous bien informé ?',
    lead: (id) => `À propos de nos messages sur l’incident ${id}. 1 est la note la plus basse, 5 la plus haute.`,
    questions: { clarity: 'Nos messages étaient-ils clairs ?', frequency: 'Sont-ils arrivés assez souvent ?', usefulness: 'Vous ont-ils été utiles ?' },
    low: 'médiocre', high: 'excellent',
    comment: 'Autre chose à nous dire (facultatif)',
    submit: 'Envoyer mes réponses',
    thanksTitle: 'Merci', thanks: 'Vos réponses sont enregistrées. Elles nous aident à mieux informer.',
    answeredTitle: 'Déjà répondu', answered: 'Ce questionnaire a déjà reçu une réponse ; chaque lien n’en accepte qu’une.',
    invalidTitle: 'Ce lien ne fonctionne pas', invalid: 'Ce lien n’a pas été créé par Herald ou a été modifié ; utilisez le lien de l’e-mail.',
    expired: 'Ce lien a expiré.',
  },
  es: {
    subject: '¿Le mantuvimos bien informado?',
    reminderSubject: 'Recordatorio: ¿le mantuvimos bien informado?',
    intro: 'El incidente está resuelto. Tres preguntas breves nos dicen si nuestras actualizaciones fueron claras, suficientemente frecuentes y útiles para usted.',
    reminder: 'Su respuesta nos sigue interesando; este es el único recordatorio.',
    linkLine: 'Responda aquí (un minuto; el enlace sirve una vez):',
    unsubscribe: 'Para dejar de recibir estos correos:',
    title: '¿Le mantuvimos bien informado?',
    lead: (id) => `Sobre nuestras actualizaciones del incidente ${id}. 1 es la nota más baja, 5 la más alta.`,
    questions: { clarity: '¿Qué tan claras fueron?', frequency: '¿Llegaron con suficiente frecuencia?', usefulness: '¿Qué tan útiles le resultaron?' },
    low: 'mala', high: 'excelente',
    comment: 'Algo más que quiera decirnos (opcional)',
    submit: 'Enviar mis respuestas',
    thanksTitle: 'Gracias', thanks: 'Sus respuestas quedaron registradas. Nos ayudan a informar mejor.',
    answeredTitle: 'Ya respondida', answered: 'Esta encuesta ya fue respondida; cada enlace admite una respuesta.',
    invalidTitle: 'Este enlace no funciona', invalid: 'Este enlace no lo creó Herald o fue alterado; use el enlace del correo.',
    expired: 'Este enlace ha caducado.',
  },
  pt: {
    subject: 'Mantivemos você bem informado?',
    reminderSubject: 'Lembrete: mantivemos você bem informado?',
    intro: 'O incidente foi resolvido. Três perguntas rápidas nos dizem se as nossas atualizações foram claras, frequentes o bastante e úteis para você.',
    reminder: 'A sua resposta ainda é importante; este é o único lembrete.',
    linkLine: 'Responda aqui (um minuto; o link vale uma vez):',
    unsubscribe: 'Para não receber mais estes e-mails:',
    title: 'Mantivemos você bem informado?',
    lead: (id) => `Sobre as nossas atualizações do incidente ${id}. 1 é a nota mais baixa, 5 a mais alta.`,
    questions: { clarity: 'Quão claras foram as atualizações?', frequency: 'Vieram com frequência suficiente?', usefulness: 'Quão úteis foram para você?' },
    low: 'ruim', high: 'excelente',
    comment: 'Algo mais que queira nos dizer (opcional)',
    submit: 'Enviar respostas',
    thanksTitle: 'Obrigado', thanks: 'As suas respostas foram registradas. Elas nos ajudam a informar melhor.',
    answeredTitle: 'Já respondida', answered: 'Esta pesquisa já foi respondida; cada link aceita uma resposta.',
    invalidTitle: 'Este link não funciona', invalid: 'Este link não foi criado pelo Herald ou foi alterado; use o link do e-mail.',
    expired: 'Este link expirou.',
  },
  nl: {
    subject: 'Hebben we u goed op de hoogte gehouden?',
    reminderSubject: 'Herinnering: hebben we u goed op de hoogte gehouden?',
    intro: 'Het incident is opgelost. Drie korte vragen vertellen ons of onze updates duidelijk, frequent genoeg en nuttig voor u waren.',
    reminder: 'Uw antwoord blijft welkom; dit is de enige herinnering.',
    linkLine: 'Antwoord hier (een minuut; de link werkt één keer):',
    unsubscribe: 'Wilt u deze e-mails niet meer ontvangen:',
    title: 'Hebben we u goed op de hoogte gehouden?',
    lead: (id) => `Over onze updates bij incident ${id}. 1 is de laagste score, 5 de hoogste.`,
    questions: { clarity: 'Hoe duidelijk waren onze updates?', frequency: 'Kwamen ze vaak genoeg?', usefulness: 'Hoe nuttig waren ze voor u?' },
    low: 'slecht', high: 'uitstekend',
    comment: 'Wilt u ons nog iets laten weten? (optioneel)',
    submit: 'Antwoorden versturen',
    thanksTitle: 'Bedankt', thanks: 'Uw antwoorden zijn opgeslagen. Ze helpen ons betere updates te schrijven.',
    answeredTitle: 'Al beantwoord', answered: 'Deze enquête is al beantwoord; elke link neemt één antwoord aan.',
    invalidTitle: 'Deze link werkt niet', invalid: 'Deze link komt niet van Herald of is gewijzigd; gebruik de link uit de e-mail.',
    expired: 'Deze link is verlopen.',
  },
  ja: {
    subject: '障害情報のお知らせについてのアンケート',
    reminderSubject: '再送: 障害情報のお知らせについてのアンケート',
    intro: '障害は解決しました。お知らせが分かりやすく、十分な頻度で、役に立ったかを3つの質問でお聞かせください。',
    reminder: 'ご回答をお待ちしています。再送はこの一度だけです。',
    linkLine: '回答はこちら（1分ほど、リンクは一度だけ有効です）:',
    unsubscribe: 'このメールの配信を停止するには:',
    title: '障害情報のお知らせについてのアンケート',
    lead: (id) => `障害 ${id} のお知らせについて。1が最低、5が最高の評価です。`,
    questions: { clarity: 'お知らせは分かりやすかったですか？', frequency: 'お知らせの頻度は十分でしたか？', usefulness: 'お知らせは役に立ちましたか？' },
    low: '不満', high: '大変満足',
    comment: 'その他ご意見があればお書きください（任意）',
    submit: '回答を送信',
    thanksTitle: 'ありがとうございました', thanks: 'ご回答を記録しました。今後のお知らせの改善に役立てます。',
    answeredTitle: '回答済みです', answered: 'このアンケートには回答済みです。リンクごとに一度だけ回答できます。',
    invalidTitle: 'このリンクは無効です', invalid: 'このリンクは Herald が作成したものではないか、改変されています。メールのリンクをお使いください。',
    expired: 'このリンクは有効期限が切れています。',
  },
};

/** The languages the survey speaks. */
export const surveyLanguages = Object.keys(strings);

/** The survey's words for a locale and the language they are in: its language's, else English. */
export function surveyStringsFor(locale: string | undefined): { language: string; words: SurveyStrings } {
  const language = (locale ?? 'en').toLowerCase().split(/[-_]/)[0];
  return strings[language] ? { language, words: strings[language] } : { language: 'en', words: strings.en };
}
