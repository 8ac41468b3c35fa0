/** @module shared/privacy/pii/recognizers/person.test Names by cue, title, signature and given-name list. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { isFirstName } from './first-names';
import { personRecognizer } from './person';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string): Array<[string, number]> {
  return reported(personRecognizer, text);
}

describe('personRecognizer', () => {
  it('takes any capitalised name after "my name is"', () => {
    expect(found('Hello, my name is Oluwadamilare Bankole and I need help.')).toEqual([['Oluwadamilare Bankole', 1]]);
  });

  it('takes names after titles, without the title', () => {
    expect(found('Ask Dr. Okafor or Prof. Anna Kowalska.').map(([v]) => v)).toEqual(['Okafor', 'Anna Kowalska']);
  });

  it('does not read a street suffix as a title', () => {
    expect(found('Turn at 12 Oak Dr Springfield')).toEqual([]);
  });

  it('takes "I am X" and "I\'m X" only for known given names', () => {
    expect(found("I'm Priya, and I am Lena Fischer.").map(([v]) => v)).toEqual(['Priya', 'Lena Fischer']);
    expect(found("I'm Spartacus and I am Groot")).toEqual([]);
  });

  it('takes signatures after a sign-off line and after a dash', () => {
    expect(found('Thanks for the help.\nBest regards,\nQuentin Abernathy').map(([v]) => v)).toEqual(['Quentin Abernathy']);
    expect(found('See you there.\n— Bartholomew')).toEqual([['Bartholomew', 0.8]]);
    expect(found('Shopping list:\n- Milk\n- Eggs')).toEqual([]);
  });

  it('takes names after "Dear", and after "Hi" when the name is known', () => {
    expect(found('Dear Ms. Nakamura, thank you.').map(([v]) => v)).toEqual(['Nakamura']);
    expect(found('Hi Maria, Hello World! Dear Hiring Manager, Dear Sir or Madam,').map(([v]) => v)).toEqual(['Maria']);
  });

  it('takes a known given name with its capitalised surname', () => {
    expect(found('Grace Hopper wrote the first compiler; Wei Zhang reviewed it.').map(([v]) => v)).toEqual(['Grace Hopper', 'Wei Zhang']);
  });

  it('needs a surname or context for names that are also words', () => {
    expect(found('Will it rain? May I ask? Grace periods are long. August is warm.')).toEqual([]);
    expect(found('My friend Grace recommended it.')).toEqual([['Grace', 0.65]]);
    expect(found('Tell Priya I will be late.')).toEqual([['Priya', 0.6]]);
  });

  it('takes a name after a form label', () => {
    expect(found('Patient: Thabo Nkosi\nShip to: Priscilla Okonkwo').map(([v]) => v)).toEqual(['Thabo Nkosi', 'Priscilla Okonkwo']);
  });

  it('knows given names written with or without accents', () => {
    expect(isFirstName('José')).toBe(true);
    expect(isFirstName('Tomás')).toBe(false);
    expect(isFirstName('Zoë')).toBe(true);
  });
});
