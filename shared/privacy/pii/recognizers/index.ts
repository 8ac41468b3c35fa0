/**
 * @module shared/privacy/pii/recognizers
 * The default recognizer set, one per detection method, in the order their candidates are
 * reported (the order only breaks exact ties in overlap resolution).
 */
import type { PiiRecognizer } from '../types';
import { creditCardRecognizer } from './credit-card';
import { dateRecognizer } from './date-time';
import { emailRecognizer } from './email';
import { ibanRecognizer } from './iban';
import { ipRecognizer } from './ip-address';
import { locationRecognizer } from './location';
import { personRecognizer } from './person';
import { phoneRecognizer } from './phone';
import { secretAssignmentRecognizer } from './secret-assignment';
import { secretTokenRecognizer } from './secret-tokens';
import { urlRecognizer } from './url';
import { urlCredentialsRecognizer } from './url-credentials';
import { usSsnRecognizer } from './us-ssn';

/** Every built-in recognizer. */
export const DEFAULT_RECOGNIZERS: readonly PiiRecognizer[] = [
  secretTokenRecognizer,
  urlCredentialsRecognizer,
  secretAssignmentRecognizer,
  emailRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  usSsnRecognizer,
  phoneRecognizer,
  ipRecognizer,
  urlRecognizer,
  dateRecognizer,
  locationRecognizer,
  personRecognizer,
];

export {
  creditCardRecognizer,
  dateRecognizer,
  emailRecognizer,
  ibanRecognizer,
  ipRecognizer,
  locationRecognizer,
  personRecognizer,
  phoneRecognizer,
  secretAssignmentRecognizer,
  secretTokenRecognizer,
  urlCredentialsRecognizer,
  urlRecognizer,
  usSsnRecognizer,
};
