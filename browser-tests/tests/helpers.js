const { expect } = require("@playwright/test");
const AxeBuilder = require("@axe-core/playwright").default;

const PASSWORD = "demo-losenord-2026";

/** Fails with the list of violations when axe-core finds any WCAG 2.1 A or AA problem. */
async function expectAccessible(page, label) {
  // A key press may have started a navigation: check the page it leads to.
  let results;
  for (let attempt = 0; ; attempt++) {
    await page.waitForLoadState("load");
    try {
      results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      break;
    } catch (e) {
      if (attempt >= 3 || !String(e).includes("Execution context was destroyed")) throw e;
    }
  }
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`
  );
  expect(summary, `axe-core on ${label || page.url()}`).toEqual([]);
}

/**
 * Presses Tab until the focus is on the target (a CSS or Playwright selector), as a keyboard user
 * would, and checks that the focus is visible there.
 */
async function tabTo(page, selector, { max = 150, backwards = false } = {}) {
  const target = page.locator(selector).first();
  await target.waitFor({ state: "attached" });
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    if (await target.evaluate((el) => el === document.activeElement)) {
      const outline = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(outline, `visible focus on ${selector}`).not.toBe("none");
      return;
    }
  }
  throw new Error(`could not reach ${selector} with the Tab key`);
}

/** Logs in with the keyboard alone. */
async function loginWithKeyboard(page, email, password = PASSWORD) {
  await page.goto("/logga-in");
  await tabTo(page, "#email");
  await page.keyboard.type(email);
  await tabTo(page, "#password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => !url.pathname.startsWith("/logga-in"), { waitUntil: "load" });
}

async function login(page, email, password = PASSWORD) {
  await page.goto("/logga-in");
  await page.getByLabel("E-postadress").fill(email);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
}

/** The logout button in the header. */
const LOGOUT = ".site-user button";

async function logout(page) {
  await page.getByRole("button", { name: "Logga ut" }).click();
  await expect(page).toHaveURL(/\/logga-in/);
}

/** Reaches a field with Tab and replaces what it holds with the text. */
async function replaceText(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

/** A date field with the keyboard: in a Swedish browser its parts are year, month, day. */
async function typeDate(page, selector, date) {
  const [y, m, d] = date.split("-");
  await tabTo(page, selector);
  await page.keyboard.type(y);
  await page.keyboard.press("ArrowRight");
  await page.keyboard.type(m);
  await page.keyboard.press("ArrowRight");
  await page.keyboard.type(d);
  await expect(page.locator(selector)).toHaveValue(date);
}

module.exports = { PASSWORD, LOGOUT, expectAccessible, tabTo, loginWithKeyboard, login, logout, replaceText, typeDate };
