// The console's provider forms (web/screens/provider-rules.js, a browser module without types).
interface EditForm {
  config: string;
  fields: [string, string, string][];
  secret?: { key: string };
}
const RULES = './web/screens/provider-rules.js';
let settingsOf: (form: EditForm, provider: unknown) => Record<string, string | boolean>;
beforeAll(async () => {
  ({ settingsOf } = (await import(RULES)) as { settingsOf: typeof settingsOf });
});

const smtp: EditForm = {
  config: 'smtp',
  fields: [
    ['description', 'l', 'text'],
    ['host', 'l', 'text'],
    ['password', 'l', 'password'],
    ['replyToAddress', 'l', 'email'],
    ['tls', 'l', 'bool'],
  ],
  secret: { key: 'password' },
};

describe('console provider rules', () => {
  it('fills an edit form from the listed provider: its description and its kind’s settings, never the secret (the API does not list it; an empty one sent back would clear it)', () => {
    const listed = { id: 'p1', description: 'Mail', smtp: { host: 'mail.example:587', tls: true, password: 'x' } };
    expect(settingsOf(smtp, listed)).toEqual({
      description: 'Mail',
      host: 'mail.example:587',
      replyToAddress: '',
      tls: true,
    });
  });

  it('reads only the settings of the form’s kind (an HTTP provider has no SMTP host), unset booleans as false', () => {
    expect(settingsOf(smtp, { description: '', http: { endpoint: 'https://hook.example' } })).toEqual({
      description: '',
      host: '',
      replyToAddress: '',
      tls: false,
    });
  });
});
