/** @module shared/privacy/pii/recognizers/location.test Street addresses, postcodes and places of residence. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { locationRecognizer } from './location';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string): Array<[string, number]> {
  return reported(locationRecognizer, text);
}

describe('locationRecognizer', () => {
  it('takes a street address with unit, city, state and ZIP as one span', () => {
    expect(found('I, residing at 1420 Oak Street, Apt 5B, Austin, TX 78701, give notice.')[0]).toEqual(['1420 Oak Street, Apt 5B, Austin, TX 78701', 0.7]);
  });

  it('handles directions, UK and Canadian postcodes and a city ending the sentence', () => {
    expect(found('at 1600 Pennsylvania Avenue NW, Washington, DC 20500 today')[0][0]).toBe('1600 Pennsylvania Avenue NW, Washington, DC 20500');
    expect(found('live at 221B Baker Street, London NW1 6XE')[0][0]).toBe('221B Baker Street, London NW1 6XE');
    expect(found('to 9 Queen Street, Toronto, ON M5H 2N2')[0][0]).toBe('9 Queen Street, Toronto, ON M5H 2N2');
    expect(found('Home: 742 Evergreen Terrace, Springfield.')[0][0]).toBe('742 Evergreen Terrace, Springfield');
  });

  it('does not read counts of things as addresses', () => {
    expect(found('I have 2 dogs and 3 cats on the road, chapter 3 Road Map')).toEqual([]);
  });

  it('finds places after residence cues, but not months or tools', () => {
    expect(found("I live in San Francisco. I'm from Kraków. We moved to React.").map(([v]) => v)).toEqual(['San Francisco', 'Kraków']);
    expect(found('born in March 1985')).toEqual([]);
  });

  it('needs context for a US ZIP code but not for a spaced UK postcode', () => {
    expect(found('room 94110')).toEqual([]);
    expect(found('zip code 94110')).toEqual([['94110', 0.5]]);
    expect(found('EH1 1YZ')).toEqual([['EH1 1YZ', 0.5]]);
  });
});
