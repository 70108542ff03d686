import { test, expect } from '@playwright/test';
import { DEMO, PEOPLES_SQUARE, PHONE, fieldError, hydrated, open, pickSlot, signedIn, snap, submitAndPay } from './helpers';

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

// On a slow phone the page is shown long before it is interactive: what is
// typed meanwhile must survive hydration, into the page's state as well as
// the field (a plain form post would not see fields bound to signals).
test('what a customer types while the page loads is kept once it hydrates, and booked', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  await open(customer, '/');
  await customer.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await hydrated(customer);
  const bookingUrl = await customer.getByRole('link', { name: '立即预约' }).getAttribute('href');

  let loadWasm: () => void = () => {};
  const wasmHeld = new Promise<void>((resolve) => (loadWasm = resolve));
  await customer.route('**/*.wasm', async (route) => {
    await wasmHeld;
    await route.continue();
  });
  await customer.goto(bookingUrl!, { waitUntil: 'domcontentloaded' });
  const address = '黄浦区人民大道1号3栋502';
  await customer.getByLabel('联系人').fill('孙小姐');
  await customer.getByLabel('联系电话').fill('13800000009');
  await customer.getByLabel('详细地址').fill(address);
  await expect(customer.locator('body[data-hydrated="true"]')).toHaveCount(0);
  loadWasm();
  await hydrated(customer);
  await expect(customer.getByLabel('联系人')).toHaveValue('孙小姐');
  await expect(customer.getByLabel('联系电话')).toHaveValue('13800000009');
  await expect(customer.getByLabel('详细地址')).toHaveValue(address);

  await customer.getByRole('button', { name: '定位' }).click();
  await expect(customer.locator('#f-lat')).toHaveValue(PEOPLES_SQUARE.latitude.toFixed(6));
  await pickSlot(customer, 5, '16:00');
  await submitAndPay(customer);
  await expect(customer.getByText(address)).toBeVisible();
  await expect(customer.getByText('13800000009')).toBeVisible();
  // Cancelled again, so no worker is left with an offer the later tests do not expect.
  await customer.getByRole('button', { name: '取消订单' }).click();
  await customer.getByRole('button', { name: '确认取消' }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已退款/);
  await customer.context().close();
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
