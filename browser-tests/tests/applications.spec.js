// An application from the first keystroke to a registered case, with the keyboard alone, and
// axe-core on every page on the way.
const { test, expect } = require("@playwright/test");
const { LOGOUT, expectAccessible, tabTo, loginWithKeyboard, typeDate } = require("./helpers");

async function type(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}


async function logoutWithKeyboard(page) {
  await tabTo(page, LOGOUT);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Du är utloggad.")).toBeVisible();
}

async function openFromMyList(page, name) {
  await tabTo(page, 'nav a[href="/mina-ansokningar"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mina ansökningar");
  await tabTo(page, `main table a:text-is("${name}")`);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
}

test("an application is written, signed and submitted with the keyboard alone", async ({ page }) => {
  const name = `Jobbcentrum ${Date.now()}`;
  await loginWithKeyboard(page, "insatsansvarig.enkoping@example.org");
  await tabTo(page, 'nav a[href="/mina-ansokningar"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mina ansökningar");
  await expectAccessible(page, "my applications");
  await tabTo(page, 'a[href="/ansokningar/ny"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ny ansökan");
  await expectAccessible(page, "new application");
  await type(page, "#name", name);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Redigera ansökan");
  await expectAccessible(page, "application form");

  // The draft saves itself after a pause (shortened here from 20 seconds).
  await page.locator("form[data-autosave]").evaluate((f) => f.setAttribute("data-autosave-ms", "300"));
  await type(page, "#background", "Personer som står långt från arbetsmarknaden.");
  await expect(page.locator("#autosave-status")).toContainText("Utkastet sparades automatiskt");
  await page.locator("form[data-autosave]").evaluate((f) => f.setAttribute("data-autosave-ms", "600000"));

  // A mistake first: an amount that is not an amount.
  await type(page, "#budget_0_year", "2018");
  await type(page, "#budget_0_requested", "mycket");
  await tabTo(page, 'main form button.button:not([name])');
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toBeFocused();
  await expect(page.locator("#budget_0_requested-error")).toContainText("Ange beloppet i kronor");
  await expectAccessible(page, "application form with errors");
  await tabTo(page, '#error-summary a[href="#budget_0_requested"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#budget_0_requested")).toBeFocused();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("1,4 mkr");

  // The rest of the template.
  await tabTo(page, "#partner_0_member_id");
  await page.keyboard.press("ArrowDown"); // Arbetsförmedlingen, first in Swedish order
  await expect(page.locator("#partner_0_member_id option:checked")).toHaveText("Arbetsförmedlingen");
  await page.keyboard.type("");
  await type(page, "#partner_0_contact_name", "Emelie Preinitz");
  await type(page, "#partner_0_contact_email", "emelie.preinitz@arbetsformedlingen.se");
  await tabTo(page, "#orientation");
  await page.keyboard.press("Space");
  await tabTo(page, "#esf");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#esf-nej")).toBeChecked();
  await type(page, "#purpose", "Jobbcentrum-Ung\n- Att motivera till och samordna aktiviteter för ungdomar.");
  await type(page, "#goal_0_text", "Kartläggning och handlingsplan inom två månader efter första besöket.");
  await tabTo(page, 'button[name="add"][value="goal"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#goal_1_text")).toBeVisible();
  await tabTo(page, "#goal_1_kind");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#goal_1_kind")).toHaveValue("outcome");
  await type(page, "#goal_1_text", "100 % av de avslutade har en förankrad fortsatt planering.");
  await typeDate(page, "#start_date", "2018-01-01");
  await typeDate(page, "#end_date", "2020-12-31");
  await type(page, "#target_group", "16–65 år som varken arbetar eller studerar.");
  // Both parts of seed 002, with their planned volumes.
  await type(page, "#part_0_name", "Jobbcentrum-Ung");
  await type(page, "#part_0_target_group", "Ungdomar 16-29 år som varken arbetar eller studerar.");
  await type(page, "#part_0_participants_per_year", "30");
  await tabTo(page, 'button[name="add"][value="part"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#part_1_name")).toBeVisible();
  await type(page, "#part_1_name", "Jobbcentrum-Rehabilitering");
  await type(page, "#part_1_target_group", "Personer över 30 som varken arbetar eller studerar.");
  await type(page, "#part_1_participants_per_year", "40");
  // The budget: 1,4 mkr a year for three years, written three ways.
  await tabTo(page, 'button[name="add"][value="budget"]');
  await page.keyboard.press("Enter");
  await type(page, "#budget_1_year", "2019");
  await type(page, "#budget_1_requested", "1 400 000");
  await tabTo(page, 'button[name="add"][value="budget"]');
  await page.keyboard.press("Enter");
  await type(page, "#budget_2_year", "2020");
  await type(page, "#budget_2_requested", "1400000 kr");
  await type(page, "#method", "Individuell handlingsplan utifrån kartläggning.");
  await type(page, "#follow_up", "Rapportering till LOKUS-gruppen fyra gånger per år.");
  await type(page, "#implementation", "Det som visar sig framgångsrikt blir ordinarie verksamhet.");
  await tabTo(page, "#anchoring_discussed");
  await page.keyboard.press("Space");
  await tabTo(page, "#agreement_accepted");
  await page.keyboard.press("Space");
  await tabTo(page, 'main form button.button:not([name])');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Ansökan är sparad.")).toBeVisible();
  await expect(page.getByText("Innan ansökan kan skrivas under")).toHaveCount(0);
  const partySums = page.getByRole("table", { name: "Budgetsammanställning per part" });
  await expect(partySums.getByRole("row", { name: /Summa/ })).toContainText("4 200 000 kr");
  const years = page.getByRole("table", { name: "Kostnader per år" });
  for (const year of ["2018", "2019", "2020"]) {
    await expect(years.getByRole("row", { name: new RegExp(year) })).toContainText("1 400 000 kr");
  }
  await expect(page.getByRole("heading", { name: "Jobbcentrum-Rehabilitering" }).first()).toBeVisible();
  await expectAccessible(page, "complete application");
  await logoutWithKeyboard(page);

  // Each party's firmatecknare signs.
  for (const [email, party] of [["firmatecknare.enkoping@example.org", "Enköpings kommun"], ["firmatecknare.af@example.org", "Arbetsförmedlingen"]]) {
    await loginWithKeyboard(page, email);
    await openFromMyList(page, name);
    await tabTo(page, `main button:text-is("Skriv under för ${party}")`);
    await page.keyboard.press("Enter");
    await expect(page.getByText("Du har skrivit under ansökan.")).toBeVisible();
    await logoutWithKeyboard(page);
  }

  // The applicant submits.
  await loginWithKeyboard(page, "insatsansvarig.enkoping@example.org");
  await openFromMyList(page, name);
  await tabTo(page, 'main button:text-is("Lämna in ansökan")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Ansökan är inlämnad och har fått ett diarienummer.")).toBeVisible();
  await expect(page.locator(".facts--lead")).toContainText(/SUL \d{4}\/\d{4}/);
  await expectAccessible(page, "submitted application");
  await logoutWithKeyboard(page);

  // The office finds it, asks for completion, and looks at the print view.
  await loginWithKeyboard(page, "handlaggare@example.org");
  await tabTo(page, 'nav a[href="/ansokningar"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ansökningar");
  await expectAccessible(page, "office list");
  await type(page, "#q", name);
  await page.keyboard.press("Enter");
  await tabTo(page, `main table a:text-is("${name}")`);
  await page.keyboard.press("Enter");
  await type(page, "#message", "Ange parternas egenfinansiering per år.");
  await tabTo(page, 'main button:text-is("Begär komplettering")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Kompletteringen är begärd.")).toBeVisible();
  await expectAccessible(page, "completion requested");
  // The preparation: a proposal drafted from the criteria and saved, by keyboard.
  await tabTo(page, 'a:text-is("Beredning och förslag till beslut")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Beredning av");
  await expectAccessible(page, "preparation");
  await tabTo(page, "#in_line_with_direction");
  await page.keyboard.press("Space");
  await tabTo(page, "#measurable_goals");
  await page.keyboard.press("Space");
  await tabTo(page, 'button[name="action"][value="draft"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#clause_0")).toHaveValue(/bevilja finansiellt stöd enligt ansökan för insatsen/);
  await expectAccessible(page, "preparation with a draft");
  await tabTo(page, 'button[name="action"][value="save"]');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Beredningen är sparad.")).toBeVisible();
  await tabTo(page, 'a:text-is("Till ansökan")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await tabTo(page, 'a:text-is("Utskriftsversion")');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Budgetsammanställning per part")).toBeVisible();
  await expectAccessible(page, "print view");
  await page.goBack();
  await tabTo(page, 'a:has-text("Inlämnade versioner")');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Versioner");
  await expectAccessible(page, "versions");
});
