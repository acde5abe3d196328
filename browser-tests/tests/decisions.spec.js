// A received application from preparation to a running intervention: committee and board
// meetings, a decision with a conflict of interest, attested minutes with their extract, and the
// agreement signed by both parties — with the keyboard alone, and every page checked by axe-core.
const { test, expect } = require("@playwright/test");
const { expectAccessible, tabTo, loginWithKeyboard, login, logout, replaceText, typeDate } = require("./helpers");

/** Calls the JSON API with the browser's session (and its CSRF token). */
async function api(page, method, path, data) {
  const csrf = await page.locator('input[name="csrf_token"]').first().inputValue();
  const response = await page.request.fetch(path, { method, data, headers: { "X-CSRF-Token": csrf } });
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

/** A complete application by Enköping with Arbetsförmedlingen, signed and submitted through the API. */
async function receivedApplication(page, name) {
  await login(page, "insatsansvarig.enkoping@example.org");
  const members = await api(page, "GET", "/api/v1/members");
  const id = (m) => members.find((x) => x.name === m).id;
  const enk = id("Enköpings kommun");
  const af = id("Arbetsförmedlingen");
  const created = await api(page, "POST", "/api/v1/applications", { owner_member_id: enk, name });
  const year = new Date().getFullYear();
  const content = {
    name,
    owner: { member_id: enk, contact_name: "Insatsansvarig", contact_email: "insatsansvarig.enkoping@example.org" },
    partners: [{ member_id: af, contact_name: "Handläggare AF", contact_email: "af@example.org" }],
    orientation: "individual", esf: false,
    purpose: "Att fler går vidare till arbete eller studier.",
    goals: [{ kind: "output", text: "Alla får en handlingsplan." }, { kind: "outcome", text: "Egen försörjning." }],
    background: "Många står långt från arbetsmarknaden.",
    start_date: `${year}-01-01`, end_date: `${year + 1}-12-31`,
    target_group: "Unga vuxna 18–29 år.", method: "Samordnat stöd.", follow_up: "Kvartalsrapporter.",
    implementation: "Blir ordinarie verksamhet.",
    budget: [
      { member_id: enk, year, requested_sek: 1000000, own_financing_sek: 0 },
      { member_id: enk, year: year + 1, requested_sek: 1000000, own_financing_sek: 0 },
    ],
    anchoring: { discussed: true, date: `${year - 1}-11-20`, comment: "I lokusgruppen." },
    agreement_accepted_version: 1,
  };
  await api(page, "PUT", `/api/v1/applications/${created.id}`, { lock_version: created.lock_version, content });
  await logout(page);
  for (const [email, member] of [["firmatecknare.enkoping@example.org", enk], ["firmatecknare.af@example.org", af]]) {
    await login(page, email);
    await api(page, "POST", `/api/v1/applications/${created.id}/signatures`, { member_id: member });
    await logout(page);
  }
  await login(page, "insatsansvarig.enkoping@example.org");
  await api(page, "POST", `/api/v1/applications/${created.id}/submit`, {});
  await logout(page);
  return created.id;
}

test("a case goes from the committee to a running intervention with the keyboard alone", async ({ page }) => {
  const name = `Vägen vidare ${Date.now()}`;
  const id = await receivedApplication(page, name);
  const year = new Date().getFullYear();

  // The officer saves the preparation, then plans the committee meeting with the case.
  await loginWithKeyboard(page, "handlaggare@example.org");
  await page.goto(`/ansokningar/${id}/beredning`);
  await tabTo(page, 'button[name="action"][value="save"]');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Beredningen är sparad.")).toBeVisible();

  for (const body of ["committee", "board"]) {
    await tabTo(page, 'nav a[href="/moten"]');
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sammanträden");
    await expectAccessible(page, "meetings");
    await tabTo(page, 'a[href="/moten/nytt"]');
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nytt sammanträde");
    await expectAccessible(page, "new meeting");
    if (body === "committee") {
      await tabTo(page, "#body");
      await page.keyboard.press("ArrowDown");
      await expect(page.locator("#body-committee")).toBeChecked();
    }
    await typeDate(page, "#date", `${year}-0${body === "committee" ? 2 : 3}-10`);
    await replaceText(page, "#place", "Enköping");
    await replaceText(page, "#present", "Anna Berg\nPer Holm\nLena Ek");
    await replaceText(page, "#chair", body === "committee" ? "Ingen Närvarande" : "Anna Berg");
    await replaceText(page, "#attesters", "Per Holm");
    await tabTo(page, `#case-${id}`);
    await page.keyboard.press("Space");
    await tabTo(page, 'main button:text-is("Skapa sammanträdet")');
    await page.keyboard.press("Enter");
    if (body === "committee") {
      // A chair who was not there is refused, and the form keeps what was typed.
      await expect(page.locator("#error-summary")).toContainText("Personen finns inte bland de närvarande.");
      await expectAccessible(page, "new meeting with an error");
      await expect(page.locator(`#case-${id}`)).toBeChecked();
      await replaceText(page, "#chair", "Anna Berg");
      await tabTo(page, 'main button:text-is("Skapa sammanträdet")');
      await page.keyboard.press("Enter");
    }
    await expect(page.getByText("Sammanträdet är skapat")).toBeVisible();
    await expect(page.getByRole("heading", { level: 3 })).toContainText(`§ 1 Ansökan ${name}`);
    await expectAccessible(page, `${body} meeting`);
  }
  // The committee proposed; the board decides. Lena Ek declares a conflict of interest.
  const lena = await page.locator('input[name^="conflict_"][value="Lena Ek"]').getAttribute("id");
  await tabTo(page, `#${lena}`);
  await page.keyboard.press("Space");
  await tabTo(page, 'main button:text-is("Spara protokollet")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Protokollet är sparat.")).toBeVisible();
  await expect(page.getByText("Lena Ek anmäler jäv och deltar inte i handläggningen av ärendet.")).toBeVisible();

  // A grant above the applied amount needs a reason: refused first, then recorded.
  const maxField = page.locator('input[name="max_total"]');
  await replaceText(page, `#${await maxField.getAttribute("id")}`, "2 500 000");
  await tabTo(page, 'main button:has-text("Protokollför beslutet")');
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toContainText("Beloppet är högre än det ansökta. Ange skälet till det.");
  await expectAccessible(page, "decision with an error");
  await replaceText(page, `#${await maxField.getAttribute("id")}`, "2 000 000");
  await tabTo(page, 'main button:has-text("Protokollför beslutet")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Beslutet är protokollfört.")).toBeVisible();
  await expect(page.getByText(/Förbundsstyrelsen beslutar/)).toBeVisible();
  await expect(page.getByText(`att bevilja finansiellt stöd enligt ansökan för insatsen ${name}`, { exact: false })).toBeVisible();
  await expectAccessible(page, "decided meeting");
  await logout(page);

  // A board member attests; the extract is then there as PDF and DOCX.
  await loginWithKeyboard(page, "styrelseledamot@example.org");
  await tabTo(page, 'nav a[href="/moten"]');
  await page.keyboard.press("Enter");
  await tabTo(page, "main table tbody tr:first-child a");
  await page.keyboard.press("Enter");
  await expect(page.locator('main button:text-is("Protokollför beslutet i § 1")')).toHaveCount(0);
  await tabTo(page, 'main button:text-is("Justera protokollet")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Protokollet är justerat.")).toBeVisible();
  await expectAccessible(page, "attested minutes");
  const extract = await page.request.get(await page.locator('a:text-is("PDF")').first().getAttribute("href"));
  expect(extract.headers()["content-type"]).toBe("application/pdf");
  const docx = await page.request.get(await page.locator('a:text-is("Word (DOCX)")').first().getAttribute("href"));
  expect(docx.status()).toBe(200);
  await logout(page);

  // Each party's firmatecknare signs the agreement; then the intervention runs.
  for (const [email, party] of [["firmatecknare.enkoping@example.org", "Enköpings kommun"], ["firmatecknare.af@example.org", "Arbetsförmedlingen"]]) {
    await loginWithKeyboard(page, email);
    await tabTo(page, 'nav a[href="/insatser"]');
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Insatser");
    await expectAccessible(page, "interventions");
    await tabTo(page, `main table a:text-is("${name}")`);
    await page.keyboard.press("Enter");
    await expect(page.getByText("Beviljad – väntar på överenskommelse")).toBeVisible();
    await expectAccessible(page, "intervention awaiting its agreement");
    await tabTo(page, `main button:text-is("Skriv under för ${party}")`);
    await page.keyboard.press("Enter");
    await expect(page.getByText("Du har skrivit under överenskommelsen.")).toBeVisible();
    await logout(page);
  }
  await loginWithKeyboard(page, "forbundschef@example.org");
  await page.goto("/insatser?status=ongoing");
  await tabTo(page, `main table a:text-is("${name}")`);
  await page.keyboard.press("Enter");
  await expect(page.locator(".facts")).toContainText("Pågående");
  await expect(page.locator(".facts")).toContainText("2 000 000 kr");
  await expectAccessible(page, "running intervention");

  await logout(page);

  // The owner applies to extend it: the earlier decision's conditions each get an answer.
  await loginWithKeyboard(page, "insatsansvarig.enkoping@example.org");
  await tabTo(page, 'nav a[href="/mina-ansokningar"]');
  await page.keyboard.press("Enter");
  await tabTo(page, 'a[href="/ansokningar/ny"]');
  await page.keyboard.press("Enter");
  await tabTo(page, "#name");
  await page.keyboard.type(`${name} förlängning`);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Redigera ansökan");
  await tabTo(page, "#extends_intervention_id");
  await page.keyboard.type(name.slice(0, 6));
  await expect(page.locator("#extends_intervention_id option:checked")).toHaveText(name);
  await tabTo(page, "main form button.button:not([name])");
  await page.keyboard.press("Enter");
  await expect(page.getByText("Ansökan är sparad.")).toBeVisible();
  // Every condition is listed as something to do before signing.
  await expect(page.getByText("Svara på villkoret från det tidigare beslutet.").first()).toBeVisible();
  await tabTo(page, 'a.button:text-is("Redigera ansökan")');
  await page.keyboard.press("Enter");
  await expect(page.locator("#extends_0_answer")).toBeVisible();
  await expectAccessible(page, "extension application with its conditions");
  await logout(page);

  // The association's own wording of the agreement, edited by its administrator.
  await loginWithKeyboard(page, "forbundsadmin@example.org");
  await tabTo(page, 'nav a[href="/mall-overenskommelse"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mall för överenskommelser");
  await expectAccessible(page, "agreement template");
});
