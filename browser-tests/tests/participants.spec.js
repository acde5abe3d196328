// The case worker's register of Jobbcentrum (the demo's follow-up of seed 002): a participant
// registered, refused once, then given a step and a measurement; the goals, the import, the
// assignment of case workers and the association's figures — with the keyboard alone, and every
// page checked by axe-core.
const { test, expect } = require("@playwright/test");
const { expectAccessible, tabTo, loginWithKeyboard, logout, replaceText, typeDate } = require("./helpers");

/** Chooses an option of a select by typing its first letters, as a keyboard user does. */
async function choose(page, selector, text) {
  await tabTo(page, selector, { max: 400 });
  await page.keyboard.type(text);
  await expect(page.locator(`${selector} option:checked`)).toContainText(text);
}

test("a case worker follows a participant with the keyboard alone", async ({ page }) => {
  await loginWithKeyboard(page, "deltagaransvarig.enkoping@example.org");
  await expect(page.getByRole("heading", { name: "Dina insatser" })).toBeVisible();
  await expectAccessible(page, "the case worker's start page");

  await tabTo(page, 'a:has-text("Deltagare i Jobbcentrum")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Deltagare i Jobbcentrum");
  await expectAccessible(page, "the register");

  // A wrong check digit is refused, and what was typed stays.
  await tabTo(page, "#personal_number", { max: 400 });
  await page.keyboard.type("19900101-0018");
  await tabTo(page, "#name");
  await page.keyboard.type("Kim Testsson");
  await typeDate(page, "#consent_date", "2026-01-12");
  await tabTo(page, "#consent_scope");
  await page.keyboard.type("Uppföljning i Jobbcentrum");
  await choose(page, "#sex", "Man");
  await typeDate(page, "#enrolled_on", "2026-01-12");
  await choose(page, "#part", "Jobbcentrum-U");
  await typeDate(page, "#first_visit_on", "2026-01-12");
  await choose(page, "#triage", "Gr");
  await tabTo(page, 'button:has-text("Registrera deltagaren")');
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toContainText("kontrollsiffra");
  await expectAccessible(page, "the register with an error");
  await replaceText(page, "#personal_number", "19900101-0017");
  await tabTo(page, 'button:has-text("Registrera deltagaren")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kim Testsson (19900101-****)");
  await expect(page.locator(".notice, [role=status]").first()).toContainText("registrerad");
  await expectAccessible(page, "a participant");

  // Kartläggning, then a self-rating.
  await choose(page, "#kind", "Kart");
  await typeDate(page, "#occurred_on", "2026-01-20");
  await tabTo(page, 'button:has-text("Registrera steget")');
  await page.keyboard.press("Enter");
  await expect(page.locator("table").first()).toContainText("Kartläggning");
  await typeDate(page, "#measured_on", "2026-01-20");
  for (const d of ["health", "daily_structure", "motivation", "social_contacts", "work_ability"]) {
    await replaceText(page, `#score_self_rating_${d}`, "6");
  }
  await tabTo(page, 'button:has-text("Registrera mätningen")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Självskattning").first()).toBeVisible();
  await expect(page.locator("body")).toContainText("Motivation 6");
  await expectAccessible(page, "a participant with a step and a measurement");

  // The whole personnummer only on request.
  await tabTo(page, 'a:has-text("Visa hela personnumret")');
  await page.keyboard.press("Enter");
  await expect(page.locator("dl.facts")).toContainText("19900101-0017");

  // Back to the register, then the goals.
  await tabTo(page, 'a:has-text("Deltagare i Jobbcentrum")');
  await page.keyboard.press("Enter");
  await tabTo(page, 'a:has-text("Mål och statistik")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mål och uppföljning: Jobbcentrum");
  await expect(page.locator("body")).toContainText("förankrad fortsatt planering");
  await expectAccessible(page, "the goals");
  await page.goto("/insatser/1/deltagare/import");
  await expectAccessible(page, "the import");
  await logout(page);

  // The insatsansvarig assigns case workers on the intervention's page; the office sees figures only.
  await loginWithKeyboard(page, "insatsansvarig.enkoping@example.org");
  await page.goto("/insatser/1");
  await expect(page.getByRole("group", { name: "Tilldela insatsägarens deltagaransvariga" })).toBeVisible();
  await expectAccessible(page, "the intervention with its case workers");
  await tabTo(page, 'a:has-text("Delar, triage, tidsgränser och mål")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Uppföljning av Jobbcentrum");
  await expectAccessible(page, "the intervention's follow-up settings");
  await logout(page);
  await loginWithKeyboard(page, "handlaggare@example.org");
  await tabTo(page, 'nav a:has-text("Statistik")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Deltagarstatistik");
  await expect(page.locator("body")).not.toContainText("19900101");
  await expectAccessible(page, "the association's figures");
  await logout(page);

  // The administrator's thresholds and code lists.
  await loginWithKeyboard(page, "forbundsadmin@example.org");
  await tabTo(page, 'nav a:has-text("Uppföljning")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Uppföljning av deltagare");
  await expectAccessible(page, "the follow-up settings");
  await replaceText(page, "#suppression_threshold", "6");
  await tabTo(page, 'button:has-text("Spara inställningarna")');
  await page.keyboard.press("Enter");
  await expect(page.locator(".notice")).toContainText("sparade");
  await expect(page.locator("#suppression_threshold")).toHaveValue("6");
});
