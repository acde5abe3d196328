// Logging in, navigating, changing password and logging out, with the keyboard alone, and every
// page checked by axe-core.
const { test, expect } = require("@playwright/test");
const { LOGOUT, expectAccessible, tabTo, loginWithKeyboard, login, logout } = require("./helpers");

const DEMO_USERS = [
  "systemadmin@example.org",
  "forbundsadmin@example.org",
  "forbundschef@example.org",
  "handlaggare@example.org",
  "styrelseledamot@example.org",
  "revisor@example.org",
  "insatsansvarig.enkoping@example.org",
  "firmatecknare.enkoping@example.org",
  "deltagaransvarig.enkoping@example.org",
  "insatsansvarig.af@example.org",
  "firmatecknare.af@example.org",
  "deltagaransvarig.af@example.org",
];

test("public pages are accessible", async ({ page }) => {
  await page.goto("/logga-in");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Logga in");
  await expectAccessible(page, "login");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.locator("#error-summary")).toBeFocused();
  await expectAccessible(page, "login with errors");
  await page.getByLabel("E-postadress").fill("forbundschef@example.org");
  await page.getByLabel("Lösenord").fill("fel lösenord helt klart");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByText("Inloggningen misslyckades. Kontrollera e-postadress och lösenord.")).toBeVisible();
  await expectAccessible(page, "login failed");
  await page.goto("/tillganglighet");
  await expectAccessible(page, "accessibility statement");
  await page.goto("/finns-inte");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sidan finns inte");
  await expectAccessible(page, "404");
});

test("every demo user can log in and out", async ({ page }) => {
  for (const email of DEMO_USERS) {
    await login(page, email);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Välkommen");
    await expectAccessible(page, `start page of ${email}`);
    await page.goto("/medlemmar");
    await expect(page.getByRole("cell", { name: "212000-0274" })).toBeVisible();
    await expectAccessible(page, `members as ${email}`);
    await logout(page);
  }
});

test("the skip link and the menu work with the keyboard", async ({ page }) => {
  await loginWithKeyboard(page, "forbundsadmin@example.org");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Välkommen");
  // The first Tab reaches the skip link, and Enter moves focus to the main content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Hoppa till huvudinnehållet" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  // The menu, by keyboard.
  await page.goto("/");
  await tabTo(page, 'nav a[href="/medlemmar"]');
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/medlemmar/);
  await expect(page.getByRole("link", { name: "Medlemmar" })).toHaveAttribute("aria-current", "page");
  await tabTo(page, 'nav a[href="/granskningslogg"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Granskningslogg");
  await expectAccessible(page, "audit log");
  // The association's texts: the agreement in applications and the att-clauses of proposals.
  await tabTo(page, 'nav a[href="/overenskommelse"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Överenskommelse i ansökan");
  await expectAccessible(page, "agreement text");
  await tabTo(page, 'nav a[href="/att-satser"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Att-satser");
  await expectAccessible(page, "clause library");
  await tabTo(page, "#clause_grant");
  await page.keyboard.press("End");
  await page.keyboard.type(" {okänd}");
  await tabTo(page, 'main form button.button');
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toBeFocused();
  await expectAccessible(page, "clause library with errors");
  await tabTo(page, 'nav a[href="/granskningslogg"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Granskningslogg");

  // Filtering by an unknown user shows the error at the top and beside the field.
  await tabTo(page, "#user");
  await page.keyboard.type("ingen@example.org");
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toBeFocused();
  await expect(page.locator("#user-error")).toHaveText("Det finns ingen användare med den e-postadressen.");
  await expectAccessible(page, "audit log with an unknown user");
  await tabTo(page, LOGOUT);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/logga-in\?meddelande=logged_out/);
  await expect(page.getByText("Du är utloggad.")).toBeVisible();
});

test("an administrator adds a member and a user; the user sets a password and logs out, all by keyboard", async ({ page }) => {
  await loginWithKeyboard(page, "forbundsadmin@example.org");

  // A member, first with errors.
  await page.goto("/medlemmar");
  await tabTo(page, 'a[href^="/medlemmar/ny"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lägg till medlem");
  await expectAccessible(page, "member form");
  await tabTo(page, "#org_number");
  await page.keyboard.type("212000-0275");
  await tabTo(page, 'main button[type="submit"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toBeFocused();
  await expect(page.locator("#org_number-error")).toContainText("kontrollsiffran stämmer inte");
  await expectAccessible(page, "member form with errors");
  // The summary's link takes focus to the field.
  await tabTo(page, '#error-summary a[href="#org_number"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#org_number")).toBeFocused();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("212000-2072");
  await tabTo(page, "#name", { backwards: true });
  await page.keyboard.type("Sala kommun");
  // Arrow keys move through the radio group: Försäkringskassan, Arbetsförmedlingen, Region, Kommun.
  await tabTo(page, "#party_kind");
  await page.keyboard.press("Space");
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("Kommun", { exact: true })).toBeChecked();
  await tabTo(page, "#population_year");
  await page.keyboard.type("2021");
  await tabTo(page, "#population");
  await page.keyboard.type("22 945");
  await tabTo(page, 'main button[type="submit"]');
  await page.keyboard.press("Enter");
  await expect(page.getByText("Medlemmen är tillagd.")).toBeVisible();
  const row = page.getByRole("row", { name: /Sala kommun/ });
  await expect(row).toContainText("212000-2072");
  await expect(row).toContainText("2021: 22\u00a0945 invånare");

  // A user.
  await page.goto("/anvandare");
  await expectAccessible(page, "users");
  await tabTo(page, 'a[href="/anvandare/ny"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lägg till användare");
  await expectAccessible(page, "user form");
  await tabTo(page, 'main button[type="submit"]');
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toBeFocused();
  await expectAccessible(page, "user form with errors");
  await tabTo(page, "#name");
  await page.keyboard.type("Tove Test");
  await tabTo(page, "#email");
  await page.keyboard.type("tove.test@example.org");
  await tabTo(page, "#role");
  await page.locator("#role").selectOption("case_officer");
  await tabTo(page, 'main button[type="submit"]');
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Användaren är tillagd");
  await expectAccessible(page, "user created");
  const oneTime = (await page.locator("code.secret").textContent()).trim();
  await tabTo(page, LOGOUT);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Du är utloggad.")).toBeVisible();

  // The new user must choose a password first.
  await loginWithKeyboard(page, "tove.test@example.org", oneTime);
  await expect(page).toHaveURL(/\/konto\/losenord/);
  await expectAccessible(page, "forced password change");
  await tabTo(page, "#current_password");
  await page.keyboard.type(oneTime);
  await tabTo(page, "#new_password");
  await page.keyboard.type("kort");
  await tabTo(page, "#confirm_password");
  await page.keyboard.type("kort");
  await page.keyboard.press("Enter");
  await expect(page.locator("#error-summary")).toBeFocused();
  await expectAccessible(page, "password change with errors");
  await tabTo(page, "#current_password");
  await page.keyboard.type(oneTime);
  await tabTo(page, "#new_password");
  await page.keyboard.type("toves långa lösenord");
  await tabTo(page, "#confirm_password");
  await page.keyboard.type("toves långa lösenord");
  await page.keyboard.press("Enter");
  await expect(page.getByText("Ditt lösenord är bytt.")).toBeVisible();
  await expectAccessible(page, "start after password change");
  await tabTo(page, LOGOUT);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Du är utloggad.")).toBeVisible();
  await loginWithKeyboard(page, "tove.test@example.org", "toves långa lösenord");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Välkommen, Tove Test");
});
