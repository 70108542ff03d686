import { expect, Browser, Locator, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

export const DEMO = {
  customer: { phone: '13800000001', password: 'daojia123', name: '张女士' },
  approvedWorker: { phone: '13900000001', password: 'daojia123', name: '李阿姨' },
  secondWorker: { phone: '13900000003', password: 'daojia123', name: '赵阿姨' },
  applicantWorker: { phone: '13900000002', password: 'daojia123', name: '王师傅' },
  admin: { phone: '13700000000', password: 'admin1234', name: '运营管理员' },
};

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

/** A mobile number no other test run has used (1[3-9] + 9 digits). */
export function freshPhone(prefix = '135'): string {
  const tail = `${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(-8);
  return `${prefix}${tail}`;
}

/** Navigates and waits until the WebAssembly has hydrated the page. */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
}

export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export async function login(page: Page, phone: string, password: string) {
  await open(page, '/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

export async function logout(page: Page) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await hydrated(page);
}

/** Signs a new customer up on `page`; they land on 首页. */
export async function register(page: Page, phone: string, password: string) {
  await open(page, '/register');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Starts recording whether a loading skeleton appears anywhere on `page`
 * (read it with `skeletonAppeared`): a reload that keeps what is on screen
 * until the new data arrives never shows one. */
export async function watchForSkeleton(page: Page) {
  await page.evaluate(() => {
    (window as any).skeletonShown = false;
    new MutationObserver(() => {
      if (document.querySelector('.skeleton')) (window as any).skeletonShown = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
}

export async function skeletonAppeared(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as any).skeletonShown);
}

/** Saves a full-page screenshot under end2end/artifacts/ for review. */
export async function snap(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** No serious or critical accessibility violations on the current page. */
export async function expectAccessible(page: Page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] = await page.evaluate(
    async () => (await (window as any).axe.run(document)).violations,
  );
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The login code the server's development SMS sender wrote to its log (E2E_SERVER_LOG) for `phone`. */
export async function textedCode(phone: string): Promise<string> {
  const log = process.env.E2E_SERVER_LOG;
  if (!log) throw new Error('set E2E_SERVER_LOG to the log of the server under test: its development SMS sender writes login codes there');
  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`;
  for (let tries = 0; tries < 50; tries++) {
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((line) => line.includes(masked));
    const code = lines.length ? lines[lines.length - 1].match(/验证码是(\d{6})/) : null;
    if (code) return code[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no login code for ${masked} in ${log}`);
}

/** The text shown under a form field. */
export function fieldError(page: Page, field: string) {
  return page.locator(`#f-${field}-error`);
}

/** Fills the booking form's contact, address and the device position. */
export async function fillContact(page: Page, address: string, latitude: number) {
  await page.getByLabel('联系人').fill(DEMO.customer.name);
  await page.getByLabel('联系电话').fill(DEMO.customer.phone);
  await page.getByLabel('详细地址').fill(address);
  await page.getByRole('button', { name: '定位' }).click();
  await expect(page.locator('#f-lat')).toHaveValue(latitude.toFixed(6));
}

/** Picks `slot` on the day `days` ahead (1 is tomorrow). Goes straight to that
 * day, so what other tests left booked on other days cannot get in the way. */
export async function pickSlot(page: Page, days: number, slot: string) {
  const tab = days === 1 ? page.getByRole('tab', { name: /明天/ }) : page.getByRole('tab').nth(days);
  await tab.click();
  await page.locator('.slot:not([disabled])', { hasText: slot }).click();
  await expect(page.locator('.slot.selected')).toContainText(slot);
}

/** Fills the booking form: contact, address, the device position, then tomorrow at `slot`. */
export async function fillBooking(page: Page, address: string, latitude: number, slot: string) {
  await fillContact(page, address, latitude);
  await pickSlot(page, 1, slot);
}

/** The two demo workers' pages as [offered first, the other], once exactly one
 * of them has `offer` on their open 工作台. Which one dispatch picks depends on
 * what earlier tests left each of them, so tests ask instead of assuming. */
export async function offeredFirst(li: Page, zhao: Page, offer: (page: Page) => Locator): Promise<[Page, Page]> {
  let pair: [Page, Page] = [li, zhao];
  await expect(async () => {
    if ((await offer(zhao).count()) > 0) pair = [zhao, li];
    expect((await offer(li).count()) + (await offer(zhao).count())).toBe(1);
  }).toPass({ timeout: 15_000 });
  return pair;
}

/** People's Square, Shanghai: inside both demo workers' service areas. */
export const PEOPLES_SQUARE = { latitude: 31.2304, longitude: 121.4737 };

/** Submits the filled booking form and pays in the sandbox; returns the order id. */
export async function submitAndPay(customer: Page): Promise<string> {
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await customer.getByRole('button', { name: '确认支付' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/待接单/);
  return customer.url().split('/').pop()!;
}

/** Books 日常保洁 · 2小时 at People's Square `days` days ahead (2 or more) at `slot` (saying `note`, when given) and pays; returns the order id. */
export async function bookDaysAhead(customer: Page, days: number, slot: string, note?: string): Promise<string> {
  await open(customer, '/');
  await customer.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await hydrated(customer);
  await customer.getByRole('link', { name: '立即预约' }).click();
  await hydrated(customer);
  await fillContact(customer, '黄浦区人民大道1号2栋301', PEOPLES_SQUARE.latitude);
  if (note) {
    await customer.getByRole('tab').nth(days).click();
    await expect(customer.locator('.slot', { hasText: slot }).locator('.slot-note')).toHaveText(note);
    await snap(customer, `book-slot-note-${slot.replace(':', '')}-390x844`);
  }
  await pickSlot(customer, days, slot);
  return submitAndPay(customer);
}

/** A signed-in page in its own browser context, positioned at People's Square. */
export async function signedIn(browser: Browser, who: { phone: string; password: string }, viewport = PHONE): Promise<Page> {
  const context = await browser.newContext({ viewport, geolocation: PEOPLES_SQUARE, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await login(page, who.phone, who.password);
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

/** How many of the things a 数据看板 tile counts the list it opened shows. */
async function shownOnList(page: Page, href: string): Promise<number> {
  await expect(page.locator('table, .empty-state, .appeal-list').first()).toBeVisible();
  if (await page.locator('.empty-state').count()) {
    return 0;
  }
  if (href.startsWith('/admin/appeals')) {
    return page.locator('[data-appeal]').count();
  }
  if (href.startsWith('/admin/catalog')) {
    return page.locator('tr[data-service][data-listed="true"]').count();
  }
  if (href.includes('attention=certificates')) {
    const perWorker = await page.locator('[data-certificates]').evaluateAll((tags) => tags.map((t) => Number(t.getAttribute('data-certificates'))));
    return perWorker.reduce((sum, n) => sum + n, 0);
  }
  // Paged lists say how many there are in all; the others show every row.
  const pager = page.locator('.pager-info');
  if (await pager.count()) {
    return Number((await pager.textContent())!.match(/共\s*(\d+)/)![1]);
  }
  return page.locator('tbody tr').count();
}

/**
 * Opens every 数据看板 tile's link and checks the list shows exactly the
 * number on the tile. Background jobs (offer timeouts) may move an order
 * between a tile and its list, so a tile is read again until they agree.
 * Returns the numbers, by tile.
 */
export async function expectTilesToOpenWhatTheyCount(admin: Page): Promise<Record<string, number>> {
  await open(admin, '/admin');
  await expect(admin.locator('[data-stat="StatCustomers"] .stat-value')).toHaveText(/^\d+$/);
  const tiles = await admin.locator('a[data-stat]').evaluateAll((links) =>
    links.map((a) => ({ key: a.getAttribute('data-stat')!, href: a.getAttribute('href')! })),
  );
  expect(tiles.length).toBeGreaterThanOrEqual(12);
  const counted: Record<string, number> = {};
  for (const tile of tiles) {
    await expect(async () => {
      await open(admin, '/admin');
      const value = Number(await admin.locator(`[data-stat="${tile.key}"] .stat-value`).textContent());
      await open(admin, tile.href);
      expect({ tile: tile.key, shown: await shownOnList(admin, tile.href) }).toEqual({ tile: tile.key, shown: value });
      counted[tile.key] = value;
    }).toPass({ timeout: 30_000 });
  }
  return counted;
}

/** Fen as the pages show money: ¥12.50. */
export function yuan(fen: number): string {
  return `${fen < 0 ? '-' : ''}¥${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
}

/**
 * On an admin's customer page listing every order of the customer: the order
 * count is the number of rows, and 实付, 退款 and 净消费 are the sums of the
 * list's columns.
 */
export async function expectCustomerTotalsToAddUp(admin: Page) {
  const rows = admin.locator('.customer-orders tbody tr');
  const sum = async (attribute: string) =>
    (await rows.locator(`td[${attribute}]`).evaluateAll((cells, a) => cells.map((c) => Number(c.getAttribute(a))), attribute)).reduce((x, y) => x + y, 0);
  const [paid, refunded] = [await sum('data-paid'), await sum('data-refund')];
  await expect(admin.locator('[data-stat="orders"] .stat-value')).toHaveText(String(await rows.count()));
  await expect(admin.locator('[data-stat="paid"] .stat-value')).toHaveText(yuan(paid));
  await expect(admin.locator('[data-stat="refunded"] .stat-value')).toHaveText(yuan(refunded));
  await expect(admin.locator('[data-stat="net"] .stat-value')).toHaveText(yuan(paid - refunded));
  expect(paid).toBeGreaterThan(0);
}

/** Ticks every step of a serving order's 服务清单 on the worker's card (B4), as they must before 完成服务. */
export async function tickChecklist(job: Locator) {
  const list = job.locator('.checklist');
  const items = list.locator('.check-item');
  // The card re-renders as the workbench refreshes and as the service starts (the arrived card
  // shows the list without buttons), so a count of items can catch it between two renders: wait
  // for the buttons, then read how many steps there are from the list itself.
  await expect(items.getByRole('button', { name: /^完成：/ }).first()).toBeVisible();
  const steps = Number(await list.getAttribute('data-steps'));
  expect(steps).toBeGreaterThan(0);
  for (let i = 0; i < steps; i++) {
    await items.nth(i).getByRole('button', { name: /^完成：/ }).click();
    await expect(items.nth(i)).toHaveClass(/ticked/);
  }
  await expect(list.locator('.check-item.ticked')).toHaveCount(steps);
}
