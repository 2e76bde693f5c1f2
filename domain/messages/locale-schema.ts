import { z } from 'zod';
import { localeHint, localePattern } from './locale';

/** A locale field of a request, playbook or customer: the one locale pattern, with its hint. */
export const LocaleSchema = z.string().regex(localePattern, localeHint);
