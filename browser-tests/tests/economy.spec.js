// The association's money and the interventions' reporting in the demo: the year's allocation
// and contributions, each kommun's return (seed 004's question for Enköping) and Uppföljning
// Finsam; a claim from the owner through review, attestation and payment; a period report and a
// deviation — with the keyboard alone (but for choosing a file), every page checked by axe-core.
const { test, expect } = require("@playwright/test");
const { expectAccessible, tabTo, loginWithKeyboard, logout, replaceText, typeDate } = require("./helpers");

/** Follows a link with the keyboard. */
async function follow(page, text) {
  await tabTo(page, `a:has-text("${text}")`, { max: 400 });
  await page.keyboard.press("Enter");
}

/** Presses a button with the keyboard. */
async function press(page, text) {
  await tabTo(page, `button:has-text("${text}")`, { max: 400 });
  await page.keyboard.press("Enter");
}

test("the director keeps the year's money and reads each kommun's return", async ({ page }) => {
  await loginWithKeyboard(page, "forbundschef@example.org");
  await tabTo(page, 'nav a:has-text("Ekonomi")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Ekonomi ${new Date().getFullYear()}`);
  await expectAccessible(page, "the year's economy");

  await replaceText(page, "#ar", "2025");
  await press(page, "Visa året");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ekonomi 2025");
  await expect(page.locator("#medlemsbidrag ~ table").first()).toContainText(/Enköpings kommun.*601\s087 kr/);

  // A negative allocation is refused beside its field; the typed value stays.
  await replaceText(page, "#state_allocation", "-5");
  await press(page, "Spara tilldelningen");
  await expect(page.locator("#error-summary")).toContainText("negativt");
  await expect(page.locator("#state_allocation")).toHaveValue("-5");
  await expectAccessible(page, "the year with an error");
  await replaceText(page, "#state_allocation", "10 000 000");
  await press(page, "Spara tilldelningen");
  await expect(page.locator(".notice")).toContainText("Tilldelningen är sparad");
  await expectAccessible(page, "the year saved");

  await follow(page, "Utväxling per kommun 2025");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Utväxling per kommun 2025");
  await expect(page.locator("table").first()).toContainText(/Enköpings kommun.*1,86/);
  await expect(page.getByRole("img", { name: "Utväxling per kommun 2025" })).toBeVisible();
  await expectAccessible(page, "the return per kommun");

  await follow(page, "Ekonomi 2025");
  await follow(page, "Uppföljning Finsam 2025");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Uppföljning Finsam 2025");
  await expect(page.locator("body")).toContainText("Jobbcentrum");
  await expectAccessible(page, "Uppföljning Finsam");
});

test("a claim goes from the owner through review, attestation and payment", async ({ page }) => {
  await loginWithKeyboard(page, "insatsansvarig.enkoping@example.org");
  await tabTo(page, 'nav a:has-text("Insatser")');
  await page.keyboard.press("Enter");
  await follow(page, "Jobbcentrum");
  await follow(page, "Rekvisitioner, beviljat och återstående");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rekvisitioner för Jobbcentrum");
  await expectAccessible(page, "the requisitions");

  // Above the threshold without evidence: refused, and what was typed stays.
  await typeDate(page, "#period_from", "2026-01-01");
  await typeDate(page, "#period_to", "2026-03-31");
  await tabTo(page, "#description_0");
  await page.keyboard.type("Två coacher, januari–mars");
  await tabTo(page, "#amount_0");
  await page.keyboard.type("240 000");
  await press(page, "Lämna in rekvisitionen");
  await expect(page.locator("#error-summary")).toContainText("underlag");
  await expect(page.locator("#amount_0")).toHaveValue("240 000");
  await expectAccessible(page, "a claim with an error");
  // A file is chosen in the system's own dialogue; the test hands it over directly.
  await page.locator("#files").setInputFiles({ name: "faktura.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% faktura\n%%EOF\n") });
  await press(page, "Lämna in rekvisitionen");
  await expect(page.locator(".notice")).toContainText("Rekvisitionen är inlämnad");
  await expect(page.locator("dl.facts")).toContainText("Inlämnad");
  await expectAccessible(page, "a submitted claim");
  const claim = new URL(page.url()).pathname;
  await logout(page);

  for (const [email, button, status] of [
    ["handlaggare@example.org", "Godkänn granskningen", "Granskad"],
    ["forbundschef@example.org", "Attestera", "Attesterad"],
  ]) {
    await loginWithKeyboard(page, email);
    await page.goto(claim);
    await press(page, button);
    await expect(page.locator(".notice")).toContainText("behandlad");
    await expect(page.locator("dl.facts")).toContainText(status);
    await expectAccessible(page, `a claim ${status.toLowerCase()}`);
    await logout(page);
  }
  await loginWithKeyboard(page, "forbundsadmin@example.org");
  await page.goto(claim);
  await typeDate(page, "#paid_on", "2026-04-30");
  await press(page, "Registrera utbetalningen");
  await expect(page.locator("dl.facts")).toContainText("Utbetald");
  await expectAccessible(page, "a paid claim");
});

test("a period report and a deviation from the owner, handled by the office", async ({ page }) => {
  await loginWithKeyboard(page, "insatsansvarig.enkoping@example.org");
  await page.goto("/insatser");
  await follow(page, "Jobbcentrum");
  await follow(page, "Rapporter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rapporter för Jobbcentrum");
  await expectAccessible(page, "the reports");
  await follow(page, "Periodrapport 2025-01-01");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Periodrapport 2025-01-01 – 2025-03-31");
  await expectAccessible(page, "a report to write");
  await press(page, "Lämna in rapporten");
  await expect(page.locator("#error-summary")).toContainText("Fältet måste fyllas i");
  await tabTo(page, "#activities");
  await page.keyboard.type("Två coacher anställda; fjorton kartläggningar.");
  await press(page, "Lämna in rapporten");
  await expect(page.locator(".notice")).toContainText("Rapporten är inlämnad");
  await expectAccessible(page, "a submitted report");

  await follow(page, "Rapporter för Jobbcentrum");
  await follow(page, "Avvikelser");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Avvikelser i Jobbcentrum");
  await typeDate(page, "#occurred_on", "2026-10-01");
  await tabTo(page, "#category");
  await page.keyboard.press("Space");
  await tabTo(page, "#description");
  await page.keyboard.type("Rehabcoachen har slutat.");
  await press(page, "Rapportera avvikelsen");
  await expect(page.locator("#error-summary")).toContainText("Fältet måste fyllas i");
  await expectAccessible(page, "a deviation with errors");
  await tabTo(page, "#consequence");
  await page.keyboard.type("Färre kartläggningar i oktober.");
  await tabTo(page, "#proposed_measure");
  await page.keyboard.type("Rekrytering pågår.");
  await press(page, "Rapportera avvikelsen");
  await expect(page.locator(".notice")).toContainText("Avvikelsen är rapporterad");
  await expectAccessible(page, "a reported deviation");
  const deviations = new URL(page.url()).pathname;
  await logout(page);

  await loginWithKeyboard(page, "handlaggare@example.org");
  await page.goto(deviations);
  await tabTo(page, 'textarea[name^="response_"]');
  await page.keyboard.type("Noterat. Återkom när tjänsten är tillsatt.");
  await press(page, "Kvittera avvikelsen");
  await expect(page.locator("body")).toContainText("Kvitterad av kansliet");
  await expectAccessible(page, "an acknowledged deviation");
});
