import { KeywordIndex } from './keyword-index';
import { tokenize } from './words';

const matches = (keyword: string, text: string) => new KeywordIndex([{ keyword, payload: keyword }]).match(tokenize(text)).map((hit) => hit.text);

describe(KeywordIndex.name, () => {
  it.each([
    ['app', 'a mobile app', ['app']],
    ['app', 'an apple a day, happy', []],
    ['consult*', 'consulting and consultants', ['consulting', 'consultants']],
    ['consult*', 'we are not in consult', ['consult']],
    ['*shop', 'Onlineshop und Webshops', ['onlineshop']],
    ['*beratung*', 'Unternehmensberatung, Beratungsfirma', ['unternehmensberatung', 'beratungsfirma']],
    ['IT', 'IT-Beratung', ['it']],
    ['IT', 'we make it work with it', []],
    ['real estate', 'a real estate agency, real estates', ['real estate']],
    ['free tier*', 'free tiers and a free plan', ['free tiers']],
    ['münchen', 'in Muenchen and in München', ['muenchen', 'münchen']],
    ['café', 'a cafe, a Café', ['cafe', 'café']],
  ])('%s matches %j as %j', (keyword, text, expected) => {
    expect(matches(keyword, text)).toEqual(expected);
  });

  it('counts only the longest keyword on a word', () => {
    const index = new KeywordIndex([
      { keyword: '*shop', payload: 'retail' },
      { keyword: 'workshop', payload: 'education' },
      { keyword: 'online shop', payload: 'ecommerce' },
    ]);
    expect(index.match(tokenize('a workshop, a shop and an online shop')).map((hit) => [hit.payload, hit.text])).toEqual([
      ['education', 'workshop'],
      ['retail', 'shop'],
      ['ecommerce', 'online shop'],
    ]);
  });

  it.each([
    ['it*', /prefix stem needs at least 3 letters/],
    ['*ort*', /part stem needs at least 4 letters/],
    ['IT*', /acronym/],
    ['*real estate', /phrase cannot start with \*/],
    ['e-commerce', /letters and digits only/],
  ])('refuses the malformed keyword %s', (keyword, message) => {
    expect(() => new KeywordIndex([{ keyword, payload: 1 }])).toThrow(message);
  });
});
