import { test, expect, Page } from '@playwright/test';
import { DEMO, DESKTOP, PHONE, PEOPLES_SQUARE, open, signedIn, snap, hydrated, expectAccessible, fillContact, pickSlot, fieldError, freshPhone, register } from './helpers';

/** Opens 日常保洁 · 2小时's booking form with the contact, address and position filled, `days` ahead at `slot`. */
async function bookingAt(customer: Page, days: number, slot: string) {
  await open(customer, '/');
  await customer.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await hydrated(customer);
  await customer.getByRole('link', { name: '立即预约' }).click();
  await hydrated(customer);
  await fillContact(customer, '黄浦区人民大道1号2栋301', PEOPLES_SQUARE.latitude);
  await pickSlot(customer, days, slot);
}

const fen = (text: string) => Math.round(Number(text.replace(/[^\d.]/g, '')) * 100);

test('a customer books weekly cleaning for three weeks, pays once, and one worker keeps every visit', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const li = await signedIn(browser, DEMO.approvedWorker);
  const zhao = await signedIn(browser, DEMO.secondWorker);

  await bookingAt(customer, 4, '15:00');
  const perVisit = fen(await customer.getByTestId('book-total').innerText());
  await customer.getByLabel('重复').selectOption('weekly');
  await customer.getByLabel('共几次').selectOption('3');
  await expect(customer.locator('.series-hint')).toContainText('同一位服务者同一时间上门');
  await expect(customer.locator('.submit-total .muted')).toHaveText('周期3次 合计');
  // Each visit at its own day's price: three times the first, unless a holiday surcharge falls on one.
  await expect.poll(async () => fen(await customer.getByTestId('book-total').innerText())).toBeGreaterThanOrEqual(3 * perVisit);
  const seriesTotal = fen(await customer.getByTestId('book-total').innerText());
  // The quote shown is each visit's, or only the first's when a holiday makes one cost more.
  const alike = seriesTotal === 3 * perVisit;
  await expect(customer.locator('.series-quote-note')).toHaveText(`以上为${alike ? '每次' : '第1次'}的费用；周期3次合计¥${(seriesTotal / 100).toFixed(2)}`);
  await snap(customer, 'series-booking-phone');

  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  // One checkout for every visit, each listed a week apart at the same time.
  await expect(customer.locator('.pay-amount')).toHaveAttribute('data-total', String(seriesTotal));
  const visits = customer.locator('.series-visits .series-visit');
  await expect(visits).toHaveCount(3);
  const prices = (await visits.allInnerTexts()).map((text) => fen(text.match(/¥[\d,.]+/)![0]));
  expect(prices[0]).toBe(perVisit);
  expect(prices.reduce((a, b) => a + b, 0)).toBe(seriesTotal);
  const times = (await visits.allInnerTexts()).map((text) => text.match(/\d\d:\d\d–\d\d:\d\d/)?.[0]);
  expect(times).toEqual(['15:00–17:00', '15:00–17:00', '15:00–17:00']);
  await snap(customer, 'series-pay-phone');
  await expectAccessible(customer);
  await open(li, '/worker');
  await open(zhao, '/worker');
  const orderIds = await customer.locator('.series-visits a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!.split('/').pop()!));
  await customer.getByRole('button', { name: '一次支付全部3次' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  await expect(customer.locator('.series-visits .series-visit[data-series-visit="1"]')).toHaveClass(/current/);

  // The worker held for the series is offered every visit, each marked as one of three.
  const offersOn = (page: Page) => page.locator('.offer-card:has(.tag-series)');
  await expect.poll(async () => (await offersOn(li).count()) + (await offersOn(zhao).count()), { timeout: 15000 }).toBe(3);
  const keeper = (await offersOn(li).count()) === 3 ? li : zhao;
  const keeperName = keeper === li ? '李阿姨' : DEMO.secondWorker.name;
  await expect(keeper.locator(`.offer-card[data-order="${orderIds[1]}"] .tag-series`)).toHaveText('周期 2/3');
  await snap(keeper, 'series-offers-worker-phone');
  // One tap takes the regular customer's every visit.
  await keeper.getByRole('button', { name: '接下这位客户的全部3次' }).click();
  await expect(offersOn(keeper)).toHaveCount(0);
  for (const id of orderIds) {
    await expect(keeper.locator(`.order-card[data-order="${id}"]`)).toBeVisible();
  }

  // Every visit was paid by that one checkout and is now the keeper's.
  for (const n of [1, 2, 3]) {
    await expect(customer.locator(`.series-visit[data-series-visit="${n}"] .state-badge`)).toHaveText(/已接单/);
  }

  // 订单 lists the three visits, each with its place in the series and the same worker.
  await open(customer, '/orders');
  for (const [i, id] of orderIds.entries()) {
    const card = customer.locator(`.order-card:has(a[href="/orders/${id}"])`);
    await expect(card.locator('.series-badge')).toHaveText(`周期 ${i + 1}/3`);
    await expect(card.locator('.order-card-foot')).toContainText(keeperName);
  }
  await snap(customer, 'series-orders-phone');

  // The admin sees the whole series on any visit's page.
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, `/admin/orders/${orderIds[2]}`);
  await expect(admin.locator('.series-panel tr[data-series-visit]')).toHaveCount(3);
  await expect(admin.locator('.series-panel tr.current')).toHaveAttribute('data-series-visit', '3');
  await expect(admin.locator('.series-panel')).toContainText(keeperName);
  await snap(admin, 'series-admin-desktop');
  // The last visit has nothing after it; the first offers to cancel the two after it along with it.
  await expect(admin.locator('.with-later-visits')).toHaveCount(0);
  await open(admin, `/admin/orders/${orderIds[0]}`);
  await expect(admin.getByLabel('连同本周期之后尚未开始的 2 次一起取消')).not.toBeChecked();
  await snap(admin, 'series-admin-cancel-desktop');

  // The last visit is cancelled on its own; the others stand.
  await open(customer, `/orders/${orderIds[2]}`);
  await customer.getByRole('button', { name: '仅取消本次' }).click();
  await customer.getByRole('button', { name: '确认取消' }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/退款/);
  await expect(customer.locator('.series-visit[data-series-visit="1"] .state-badge')).toHaveText(/已接单/);
  await expect(customer.locator('.series-visit[data-series-visit="2"] .state-badge')).toHaveText(/已接单/);

  // A series no one worker can keep is refused beside 重复, and nothing is booked:
  // a week later at 15:00 the keeper serves the second visit and a single
  // booking holds the other worker.
  await bookingAt(customer, 11, '15:00');
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await open(customer, '/orders');
  const before = await customer.locator('.order-card').count();
  await bookingAt(customer, 4, '15:00');
  await customer.getByLabel('重复').selectOption('weekly');
  await customer.getByLabel('共几次').selectOption('2');
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(fieldError(customer, 'repeat')).toHaveText('没有一位服务者能在每一次都上门，请减少次数或换个时间');
  await expect(customer).not.toHaveURL(/\/pay\//);
  await open(customer, '/orders');
  await expect(customer.locator('.order-card')).toHaveCount(before);

  // 取消本次及之后 on the first visit takes the two still standing in one go,
  // says what that costs first, and passes over the one already cancelled.
  await open(customer, `/orders/${orderIds[0]}`);
  await hydrated(customer);
  await customer.getByRole('button', { name: '取消本次及之后的 2 次' }).click();
  const ask = customer.getByRole('dialog', { name: '取消本次及之后的 2 次' });
  await expect(ask).toContainText('将取消本次及之后共 2 次服务，现在取消均免费');
  await snap(customer, 'series-cancel-rest-phone');
  await ask.getByRole('button', { name: '确认取消' }).click();
  for (const n of [1, 2, 3]) {
    await expect(customer.locator(`.series-visit[data-series-visit="${n}"] .state-badge`)).toHaveText(/退款/);
  }
  await expect(customer.locator('[data-series-cancel]')).toHaveCount(0);

  // Booking again from a visit starts with the series' terms.
  await customer.getByRole('link', { name: '再约一个周期' }).click();
  await expect(customer).toHaveURL(/\/book\/\d+\?rebook=/);
  await hydrated(customer);
  await expect(customer.getByLabel('重复')).toHaveValue('weekly');
  await expect(customer.getByLabel('共几次')).toHaveValue('3');
});

test('a coupon on a weekly booking comes off the first visit only', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE, geolocation: PEOPLES_SQUARE, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const customer = await context.newPage();
  await register(customer, freshPhone('136'), 'daojia123');
  await open(customer, '/me/coupons');
  const welcome = customer.locator('.coupon[data-coupon]', { hasText: '新人立减' });
  await welcome.getByRole('button', { name: '领取' }).click();
  await expect(welcome).toContainText('已领取');

  await bookingAt(customer, 6, '14:00');
  await customer.getByLabel('重复').selectOption('weekly');
  await customer.getByLabel('共几次').selectOption('2');
  const total = customer.getByTestId('book-total');
  await expect(customer.locator('.submit-total .muted')).toHaveText('周期2次 合计');
  await expect.poll(async () => fen(await total.innerText())).toBeGreaterThan(0);
  const withoutCoupon = fen(await total.innerText());
  await customer.locator('#f-coupon').selectOption({ label: '新人立减 · 满¥80.00减¥10.00' });
  await expect(customer.locator('.series-coupon-hint')).toHaveText('周期服务的优惠券用于第1次服务');
  await expect.poll(async () => fen(await total.innerText())).toBe(withoutCoupon - 1000);
  await expect(customer.locator('.series-quote-note')).toHaveText(`以上为第1次的费用；周期2次合计¥${((withoutCoupon - 1000) / 100).toFixed(2)}`);
  await snap(customer, 'series-coupon-booking-phone');

  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  const prices = (await customer.locator('.series-visits .series-visit').allInnerTexts()).map((text) => fen(text.match(/¥[\d,.]+/)![0]));
  expect(prices.length).toBe(2);
  expect(prices[0]).toBe(prices[1] - 1000);
  await expect(customer.locator('.pay-amount')).toHaveAttribute('data-total', String(withoutCoupon - 1000));
  await context.close();
});

test('a series of four or more visits is quoted at the package price the admin sets, and a bad tier is named', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  await bookingAt(customer, 6, '11:00');
  const perVisit = fen(await customer.getByTestId('book-total').innerText());
  await expect(customer.locator('.quote-line[data-kind="package"]')).toHaveCount(0);

  // Weekly starts at 4 visits: the demo's first tier, 9.5折 on the service price.
  await customer.getByLabel('重复').selectOption('weekly');
  await expect(customer.locator('.series-package-hint')).toHaveText('周期预约4次起9.5折，8次起9折（服务费）');
  const package4 = customer.locator('.quote-line[data-kind="package"]');
  await expect(package4).toContainText('周期套餐（4次起）9.5折');
  await expect(package4.locator('.num')).toHaveAttribute('data-amount', '-450');
  await expect(customer.locator('.submit-total .muted')).toHaveText('周期4次 合计');
  await expect.poll(async () => fen(await customer.getByTestId('book-total').innerText())).toBe(4 * (perVisit - 450));
  await snap(customer, 'series-package-390x844');

  // Fewer visits than the first tier pay the list price; 8 reach the deeper one.
  await customer.getByLabel('共几次').selectOption('3');
  await expect(customer.locator('.quote-line[data-kind="package"]')).toHaveCount(0);
  await expect.poll(async () => fen(await customer.getByTestId('book-total').innerText())).toBe(3 * perVisit);
  await customer.getByLabel('共几次').selectOption('8');
  await expect(customer.locator('.quote-line[data-kind="package"]')).toContainText('周期套餐（8次起）9折');
  await expect.poll(async () => fen(await customer.getByTestId('book-total').innerText())).toBe(8 * (perVisit - 900));
  await expect(customer.locator('.series-package-terms')).toHaveText('享受套餐价的周期，单次服务可以改期，不能单独免费取消；提前结束套餐的，保留的服务按保留次数的价格补差价。');

  // Booked and paid, a package ends whole: no visit is dropped on its own.
  await customer.getByLabel('共几次').selectOption('4');
  await expect.poll(async () => fen(await customer.getByTestId('book-total').innerText())).toBe(4 * (perVisit - 450));
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await customer.getByRole('button', { name: '一次支付全部4次' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  const first = customer.url();
  await expect.poll(async () => {
    await open(customer, first);
    return customer.locator('.series-visit[data-series-visit="4"] .state-badge').innerText();
  }).toMatch(/待接单|已接单/);
  await hydrated(customer);
  await expect(customer.getByRole('button', { name: '仅取消本次' })).toHaveCount(0);
  await expect(customer.locator('[data-series-cancel] .hint')).toContainText('套餐内的单次服务可以改期，不能单独免费取消');
  await customer.getByRole('button', { name: '结束套餐：取消未开始的 4 次' }).click();
  const end = customer.getByRole('dialog', { name: '结束套餐：取消未开始的 4 次' });
  await expect(end).toContainText('将取消未开始的 4 次服务并结束套餐，现在结束不收费，已付款项全额原路退回');
  await snap(customer, 'series-package-end-390x844');
  await end.getByRole('button', { name: '确认结束' }).click();
  for (const n of [1, 2, 3, 4]) {
    await expect(customer.locator(`.series-visit[data-series-visit="${n}"] .state-badge`)).toHaveText(/退款/);
  }

  // The admin's tiers: more visits dearer than fewer is refused on its line, and nothing changes.
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, '/admin/pricing');
  await hydrated(admin);
  const tiers = admin.getByLabel('周期套餐价（一次预约并支付多次，每行：次数 折扣，只打折服务费）');
  await expect(tiers).toHaveValue('4 9.5\n8 9');
  await tiers.fill('4 9.5\n8 9.6');
  await admin.getByRole('button', { name: '保存价格策略' }).click();
  await expect(admin.locator('#f-series-error')).toHaveText('第2行：次数更多的一档须比次数少的更优惠，且次数不能重复');
  await snap(admin, 'pricing-series-1440x900');
  await open(admin, '/admin/pricing');
  await expect(tiers).toHaveValue('4 9.5\n8 9');
});
