import { Code } from '@connectrpc/connect';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, v1Code } from '../support/v1-clients.js';

// Replays of ZITADEL's Terraform provider's default_*_policy resources. Each funcs.go does the
// same: create and update call admin Update<X>Policy and take the id from details.resource_owner,
// ignoring FAILED_PRECONDITION (nothing changed) and then reading it from Get<X>Policy instead;
// read calls Get<X>Policy and keeps the policy's fields and details.resource_owner; delete calls
// nothing (a default policy cannot be deleted).

let server: TestServer;

interface Detailed {
  details?: { resourceOwner: string };
}

/** One resource's create, read, re-apply (no change) and read, as its funcs.go makes them. */
async function replay<P extends Detailed, V extends object>(
  update: (values: V) => Promise<Detailed>,
  get: () => Promise<{ policy?: P }>,
  values: V,
): Promise<{ id: string; policy: P }> {
  const created = await update(values);
  const id = created.details!.resourceOwner;
  expect(id).toBeTruthy();
  const read = async () => {
    const { policy } = await get();
    expect(policy!.details?.resourceOwner).toBe(id);
    return policy!;
  };
  const first = await read();
  // Applying the same configuration again: FAILED_PRECONDITION, which the provider ignores and reads the id.
  expect(await v1Code(update(values))).toBe(Code.FailedPrecondition);
  expect((await get()).policy?.details?.resourceOwner).toBe(id);
  expect(await read()).toEqual(first);
  return { id, policy: first };
}

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('Terraform replays: default policies', () => {
  const admin = () => adminV1(server.baseUrl, server.adminPat);

  it('zitadel/default_password_complexity_policy/funcs.go: UpdatePasswordComplexityPolicy, GetPasswordComplexityPolicy', async () => {
    const values = { minLength: 12, hasUppercase: true, hasLowercase: true, hasNumber: false, hasSymbol: true };
    const { policy } = await replay(
      (v) => admin().updatePasswordComplexityPolicy(v),
      () => admin().getPasswordComplexityPolicy({}),
      values,
    );
    expect({ ...policy, minLength: policy.minLength.toNumber() }).toMatchObject(values);
  });

  it('zitadel/default_lockout_policy/funcs.go: UpdateLockoutPolicy, GetLockoutPolicy', async () => {
    const { policy } = await replay(
      (v) => admin().updateLockoutPolicy(v),
      () => admin().getLockoutPolicy({}),
      { maxPasswordAttempts: 7 },
    );
    expect(policy.maxPasswordAttempts.toNumber()).toBe(7);
  });

  it('zitadel/default_password_age_policy/funcs.go: UpdatePasswordAgePolicy, GetPasswordAgePolicy', async () => {
    const { policy } = await replay(
      (v) => admin().updatePasswordAgePolicy(v),
      () => admin().getPasswordAgePolicy({}),
      { maxAgeDays: 90, expireWarnDays: 14 },
    );
    expect([policy.maxAgeDays.toNumber(), policy.expireWarnDays.toNumber()]).toEqual([90, 14]);
  });

  it('zitadel/default_privacy_policy/funcs.go: UpdatePrivacyPolicy, GetPrivacyPolicy', async () => {
    // The provider sends the three links; the other fields keep their zero values, as in its request.
    const values = {
      tosLink: 'https://example.test/tos',
      privacyLink: 'https://example.test/privacy',
      helpLink: 'https://example.test/help',
    };
    const { policy } = await replay(
      (v) => admin().updatePrivacyPolicy(v),
      () => admin().getPrivacyPolicy({}),
      values,
    );
    expect(policy).toMatchObject(values);
  });

  it('zitadel/default_domain_policy/funcs.go: UpdateDomainPolicy, GetDomainPolicy', async () => {
    const values = {
      userLoginMustBeDomain: true,
      validateOrgDomains: false,
      smtpSenderAddressMatchesInstanceDomain: true,
    };
    const { policy } = await replay(
      (v) => admin().updateDomainPolicy(v),
      () => admin().getDomainPolicy({}),
      values,
    );
    expect(policy).toMatchObject(values);
  });

  it('zitadel/default_notification_policy/funcs.go: UpdateNotificationPolicy, GetNotificationPolicy', async () => {
    const { policy } = await replay(
      (v) => admin().updateNotificationPolicy(v),
      () => admin().getNotificationPolicy({}),
      { passwordChange: false },
    );
    expect(policy.passwordChange).toBe(false);
  });

  it('zitadel/default_label_policy/funcs.go: UpdateLabelPolicy (id from details, else GetLabelPolicy), ActivateLabelPolicy when set_active; read: GetLabelPolicy', async () => {
    // The colours and switches the provider sends; theme_mode is not among them (unspecified).
    const values = {
      primaryColor: '#1a73e8',
      hideLoginNameSuffix: true,
      warnColor: '#d93025',
      backgroundColor: '#ffffff',
      fontColor: '#202124',
      primaryColorDark: '#8ab4f8',
      backgroundColorDark: '#202124',
      warnColorDark: '#f28b82',
      fontColorDark: '#e8eaed',
      disableWatermark: true,
    };
    // read: GetLabelPolicy (the active policy), its fields and details.resource_owner as the id.
    const read = async () => (await admin().getLabelPolicy({})).policy!;

    // create with set_active = false: the change stays in the preview; the active policy is untouched.
    const before = await read();
    const created = await admin().updateLabelPolicy(values);
    const id = created.details!.resourceOwner;
    expect(id).toBeTruthy();
    expect(await read()).toEqual(before);
    expect((await admin().getPreviewLabelPolicy({})).policy).toMatchObject(values);

    // apply again with set_active = true: nothing changed (FAILED_PRECONDITION, ignored; the id
    // read from GetLabelPolicy), then ActivateLabelPolicy makes the preview the active policy.
    expect(await v1Code(admin().updateLabelPolicy(values))).toBe(Code.FailedPrecondition);
    expect((await admin().getLabelPolicy({})).policy?.details?.resourceOwner).toBe(id);
    await admin().activateLabelPolicy({});
    const active = await read();
    expect(active).toMatchObject(values);
    expect(active.details?.resourceOwner).toBe(id);
    // No assets were uploaded: the provider keeps empty asset URLs.
    expect([active.logoUrl, active.iconUrl, active.logoUrlDark, active.iconUrlDark, active.fontUrl]).toEqual([
      '',
      '',
      '',
      '',
      '',
    ]);

    // update one colour with set_active: the read shows it at once.
    const changed = { ...values, primaryColor: '#0b57d0' };
    expect((await admin().updateLabelPolicy(changed)).details?.resourceOwner).toBe(id);
    await admin().activateLabelPolicy({});
    expect((await read()).primaryColor).toBe('#0b57d0');
    // delete: the provider calls nothing (a default label policy cannot be deleted).
  });

  it('zitadel/default_oidc_settings/funcs.go: UpdateOIDCSettings (id from details, else GetOIDCSettings), GetOIDCSettings', async () => {
    const hours = (h: number) => ({ seconds: h * 3600, nanos: 0 });
    const values = {
      accessTokenLifetime: hours(2),
      idTokenLifetime: hours(3),
      refreshTokenIdleExpiration: hours(24 * 10),
      refreshTokenExpiration: hours(24 * 60),
    };
    // create and update: UpdateOIDCSettings; a FAILED_PRECONDITION is ignored and the id read instead.
    const created = await admin().updateOIDCSettings(values);
    const id = created.details?.resourceOwner ?? '';
    expect(id).toBeTruthy();
    const again = await v1Code(admin().updateOIDCSettings(values));
    expect([Code.FailedPrecondition, 'ok']).toContain(again);
    // read: GetOIDCSettings, the four durations and details.resource_owner as the id.
    const { settings } = await admin().getOIDCSettings({});
    expect(settings?.details?.resourceOwner).toBe(id);
    const seconds = (d?: { seconds: { toNumber(): number } }) => d?.seconds.toNumber();
    expect({
      accessTokenLifetime: seconds(settings?.accessTokenLifetime),
      idTokenLifetime: seconds(settings?.idTokenLifetime),
      refreshTokenIdleExpiration: seconds(settings?.refreshTokenIdleExpiration),
      refreshTokenExpiration: seconds(settings?.refreshTokenExpiration),
    }).toEqual({
      accessTokenLifetime: 7200,
      idTokenLifetime: 10800,
      refreshTokenIdleExpiration: 864000,
      refreshTokenExpiration: 5184000,
    });
    // delete: the provider calls nothing (default OIDC settings cannot be deleted).
  });

  it('zitadel/default_login_policy/funcs.go: UpdateLoginPolicy, then the factor and identity provider lists made to match (List/Add/Remove{Second,Multi}Factor, …IDP…); read: GetLoginPolicy and the lists', async () => {
    const OTP = 1;
    const U2F = 2;
    const OTP_EMAIL = 3;
    const U2F_WITH_VERIFICATION = 1;
    const created = await admin().updateLoginPolicy({
      allowUsernamePassword: true,
      allowRegister: false,
      forceMfa: true,
      hidePasswordReset: true,
      passwordCheckLifetime: { seconds: 864000, nanos: 0 },
      externalLoginCheckLifetime: { seconds: 864000, nanos: 0 },
      mfaInitSkipLifetime: { seconds: 2592000, nanos: 0 },
      secondFactorCheckLifetime: { seconds: 64800, nanos: 0 },
      multiFactorCheckLifetime: { seconds: 43200, nanos: 0 },
    });
    const id = created.details?.resourceOwner ?? '';
    expect(id).toBeTruthy();
    // second_factors = [OTP, OTP_EMAIL]: the provider adds what the list lacks and removes the rest.
    const before = (await admin().listLoginPolicySecondFactors({})).result;
    for (const f of [OTP, OTP_EMAIL].filter((f) => !before.includes(f)))
      await admin().addSecondFactorToLoginPolicy({ type: f });
    for (const f of before.filter((f) => ![OTP, OTP_EMAIL].includes(f)))
      await admin().removeSecondFactorFromLoginPolicy({ type: f });
    // Adding one already there is ALREADY_EXISTS (ignored by the provider); removing one absent NOT_FOUND.
    expect(await v1Code(admin().addSecondFactorToLoginPolicy({ type: OTP }))).toBe(Code.AlreadyExists);
    expect(await v1Code(admin().removeSecondFactorFromLoginPolicy({ type: U2F }))).toBe(Code.NotFound);
    expect(await v1Code(admin().addSecondFactorToLoginPolicy({ type: 99 as never }))).toBe(Code.InvalidArgument);
    // multi_factors = []: remove what is there.
    for (const f of (await admin().listLoginPolicyMultiFactors({})).result)
      await admin().removeMultiFactorFromLoginPolicy({ type: f });
    expect(await v1Code(admin().removeMultiFactorFromLoginPolicy({ type: U2F_WITH_VERIFICATION }))).toBe(Code.NotFound);
    // read
    const { policy } = await admin().getLoginPolicy({});
    expect(policy?.details?.resourceOwner).toBe(id);
    expect(policy).toMatchObject({ allowRegister: false, forceMfa: true, hidePasswordReset: true });
    expect([...(await admin().listLoginPolicySecondFactors({})).result].sort()).toEqual([OTP, OTP_EMAIL]);
    expect((await admin().listLoginPolicyMultiFactors({})).result).toEqual([]);
    expect([...(policy?.secondFactors ?? [])].sort()).toEqual([OTP, OTP_EMAIL]);
    // idps = [the instance's OIDC provider]: the provider adds the ids the list lacks
    // (AddIDPToLoginPolicy) and removes the rest (RemoveIDPFromLoginPolicy), then reads them back
    // with ListLoginPolicyIDPs.
    const { id: idpId } = await admin().addGenericOIDCProvider({
      name: 'Terraform OIDC',
      issuer: 'https://issuer.example.com',
      clientId: 'terraform',
      clientSecret: 'terraform-secret',
      scopes: ['openid'],
      providerOptions: undefined,
      isIdTokenMapping: false,
      usePkce: false,
    });
    const wanted = [idpId];
    const present = (await admin().listLoginPolicyIDPs({})).result.map((l) => l.idpId);
    for (const idp of wanted.filter((i) => !present.includes(i))) await admin().addIDPToLoginPolicy({ idpId: idp });
    for (const idp of present.filter((i) => !wanted.includes(i)))
      await admin().removeIDPFromLoginPolicy({ idpId: idp });
    // Adding one already there is ALREADY_EXISTS; removing one that is not there NOT_FOUND.
    expect(await v1Code(admin().addIDPToLoginPolicy({ idpId }))).toBe(Code.AlreadyExists);
    expect(await v1Code(admin().removeIDPFromLoginPolicy({ idpId: 'not-on-it' }))).toBe(Code.NotFound);
    const listed = await admin().listLoginPolicyIDPs({});
    expect(listed.result).toEqual([{ idpId, idpName: 'Terraform OIDC', idpType: 1 }]);
    // delete (idps = []): the provider removes them.
    await admin().removeIDPFromLoginPolicy({ idpId });
    expect((await admin().listLoginPolicyIDPs({})).result).toEqual([]);
  });
});
