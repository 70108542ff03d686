import { test, expect } from '@playwright/test';
import { DEMO, PHONE, fieldError, signedIn, snap } from './helpers';

// Core forms work before the WebAssembly has loaded (P3): the bundle is
// blocked, so every submit below is a plain HTML form post.
test.use({ viewport: PHONE });

test('login works as a plain form, and a wrong password is explained in place', async ({ page }) => {
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto('/login');
  await page.getByLabel('手机号').fill(DEMO.customer.phone);
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(fieldError(page, 'password')).toHaveText('手机号或密码错误');

  await page.getByLabel('手机号').fill(DEMO.customer.phone);
  await page.getByLabel('密码').fill(DEMO.customer.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.hello-name')).toHaveText(DEMO.customer.name);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
});

test('search, price range and sort live in the URL and work before hydration', async ({ page }) => {
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto('/');
  await page.getByLabel('搜索服务').fill('清洗');
  await page.getByText('筛选与排序').click();
  await page.getByLabel('最低价（元）').fill('80');
  await page.getByLabel('排序').selectOption({ label: '价格从高到低' });
  await page.getByRole('button', { name: '应用' }).click();
  await expect(page).toHaveURL(/q=%E6%B8%85%E6%B4%97.*min_price=80.*sort=price_desc/);
  // The list streams in after the URL changes; read it once it is there.
  await expect(page.locator('.service-card').first()).toBeVisible();
  const cards = await page.locator('.service-card').allTextContents();
  expect(cards.length).toBeGreaterThan(0);
  expect(cards.every((c) => c.includes('清洗')), cards.join(' | ')).toBe(true);
  const prices = (await page.locator('.service-price .price').allTextContents()).map((p) => Number(p.replace(/[¥,]/g, '')));
  expect(prices.every((p) => p >= 80)).toBe(true);
  expect([...prices].sort((a, b) => b - a)).toEqual(prices);
  await snap(page, 'customer-search-filtered-390x844');

  // A bad bound is explained next to the field and the rest still applies.
  await page.goto('/?q=%E6%B8%85%E6%B4%97&min_price=abc');
  await expect(page.locator('#f-price-error')).toHaveText('请输入正确的金额');
  await expect(page.locator('.service-card').first()).toContainText('清洗');
  await page.goto('/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E6%9C%8D%E5%8A%A1');
  await expect(page.getByText('没有符合条件的服务，换个条件试试')).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
});

test('the service-time filter keeps only what a worker is free for then, before hydration', async ({ page }) => {
  await page.route('**/*.wasm', (route) => route.abort());
  const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  await page.goto('/');
  await page.getByText('筛选与排序').click();
  await page.getByLabel('指定日期').fill(day(1));
  await page.getByLabel('时段').selectOption('18:00');
  await page.getByRole('button', { name: '应用' }).click();
  await expect(page).toHaveURL(new RegExp(`date=${day(1)}.*slot=18%3A00`));
  // Demo workers work until 20:00: two hours fit, four hours or a full day do not.
  await expect(page.locator('.service-card .service-name', { hasText: '日常保洁 · 2小时' })).toBeVisible();
  const names = await page.locator('.service-card .service-name').allTextContents();
  expect(names).toContain('日常保洁 · 2小时');
  expect(names).not.toContain('日常保洁 · 4小时');
  expect(names).not.toContain('金牌月嫂 · 26天');
  await snap(page, 'customer-time-filter-390x844');

  await page.goto(`/?date=${day(-1)}&slot=10%3A00`);
  await expect(page.locator('#f-time-error')).toHaveText('该时间已过，请选择其他时间');
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
});

test('a worker\'s saved skills, days, hours and place are on the settings page before it hydrates', async ({ browser }) => {
  const worker = await signedIn(browser, DEMO.approvedWorker);
  await worker.route('**/*.wasm', (route) => route.abort());
  await worker.goto('/worker/settings');
  await expect(worker.locator('#f-start')).toHaveValue(/^\d{2}:\d{2}$/);
  await expect(worker.locator('#f-end')).toHaveValue(/^\d{2}:\d{2}$/);
  await expect(worker.locator('#f-radius')).toHaveValue(/^\d+(\.\d+)?$/);
  // Her skills and working days are ticked, not shown blank until the bundle arrives.
  await expect(worker.locator('label.choice', { hasText: '日常保洁' }).locator('input')).toBeChecked();
  expect(await worker.locator('label.choice input:checked').count()).toBeGreaterThan(1);
  await snap(worker, 'worker-settings-before-hydration-390x844');
  await worker.context().close();
});
