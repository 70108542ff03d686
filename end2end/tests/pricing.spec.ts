import { test, expect } from '@playwright/test';
import { DEMO, PHONE, DESKTOP, open, login, snap, hydrated, expectAccessible, fillBooking } from './helpers';

// People's Square, Shanghai: the pricing centre, so no distance fee.
const HOME = { latitude: 31.2304, longitude: 121.4737 };

/** `YYYY-MM-DD` in Beijing, `days` from today. */
function beijingDate(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

test('an admin sets a peak-hour rule and a coupon; the customer pays exactly the itemized quote', async ({ browser }) => {
  const couponName = `满100减15-${Math.floor(Math.random() * 9000 + 1000)}`;
  const adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const admin = await adminContext.newPage();
  await login(admin, DEMO.admin.phone, DEMO.admin.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await admin.getByRole('link', { name: '价格策略' }).click();
  await expect(admin).toHaveURL(/\/admin\/pricing$/);
  await hydrated(admin);

  // Overlapping windows are refused with the line that is wrong.
  await admin.getByLabel('高峰时段（每天，每行：开始-结束 倍率）').fill('12:00-13:00 1.5\n12:30-14:00 1.2');
  await admin.getByRole('button', { name: '保存价格策略' }).click();
  await expect(admin.locator('#f-peak-error')).toHaveText('第2行：与前面的高峰时段重叠');
  await admin.getByLabel('高峰时段（每天，每行：开始-结束 倍率）').fill('12:00-13:00 1.5\n18:00-20:00 1.2');
  await admin.getByRole('button', { name: '保存价格策略' }).click();
  await expect(admin.getByRole('status')).toContainText('已保存');

  // Live preview: tomorrow 12:00, 日常保洁 · 2小时 → ¥90 + ¥45 peak surcharge.
  await admin.locator('#p-service').selectOption({ label: '日常保洁 · 2小时' });
  await admin.locator('#p-date').fill(beijingDate(1));
  await admin.locator('#p-time').fill('12:00');
  const preview = admin.locator('.preview-result');
  await expect(preview.locator('[data-kind="time"]')).toContainText('高峰时段 12:00–13:00加价 ×1.5');
  await expect(preview.locator('[data-kind="time"] .num')).toHaveText('¥45.00');
  await expect(preview.locator('.price')).toHaveText('¥135.00');
  // Who gets what once it is served: the worker 80% of ¥135, the platform the rest.
  await expect(preview.locator('.preview-split')).toHaveText('服务完成后：服务者收入 ¥108.00；平台收入 ¥27.00（佣金 ¥27.00 − 平台承担优惠 ¥0.00）');
  // As an 8-visit package (9折 on the service): the platform pays the ¥9 off, not the worker.
  await admin.locator('#p-visits').selectOption({ label: '周期共8次' });
  await expect(preview.locator('.price')).toHaveText('¥126.00');
  await expect(preview.locator('.preview-split')).toHaveText('服务完成后：服务者收入 ¥108.00；平台收入 ¥18.00（佣金 ¥27.00 − 平台承担优惠 ¥9.00）');
  await snap(admin, 'pricing-01b-preview-package-1440x900');
  await admin.locator('#p-visits').selectOption({ label: '单次预约' });

  // A coupon whose end is before its start is refused; then issued.
  await admin.getByLabel('券名称').fill(couponName);
  await admin.getByLabel('减免金额或折扣').fill('15');
  await admin.getByLabel('使用门槛（元，留空为无门槛）').fill('100');
  await admin.locator('#c-to').fill(beijingDate(-1));
  await admin.getByRole('button', { name: '发券' }).click();
  await expect(admin.locator('#c-to-error')).toHaveText('结束日期不能早于开始日期');
  await admin.locator('#c-to').fill(beijingDate(30));
  await admin.getByRole('button', { name: '发券' }).click();
  await expect(admin.locator('.coupon-table')).toContainText(couponName);
  await snap(admin, 'pricing-01-admin-strategy-1440x900');
  await expectAccessible(admin);

  // The customer claims it in 领券中心.
  const context = await browser.newContext({ viewport: PHONE, geolocation: HOME, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const customer = await context.newPage();
  await login(customer, DEMO.customer.phone, DEMO.customer.password);
  await expect(customer).not.toHaveURL(/\/login/);
  await open(customer, '/me/coupons');
  const offer = customer.locator('.coupon[data-coupon]', { hasText: couponName });
  await offer.getByRole('button', { name: '领取' }).click();
  await expect(offer).toContainText('已领取');
  await expect(customer.locator('.coupon-list').last()).toContainText(couponName);
  await snap(customer, 'pricing-02-coupons-390x844');

  // Found by search; booked at the peak hour; the surcharge and coupon are itemized.
  await open(customer, '/?q=日常保洁');
  await customer.locator('.service-card', { hasText: '日常保洁 · 2小时' }).click();
  await hydrated(customer);
  // The service page states the surcharges before anything is chosen.
  await expect(customer.locator('.price-table')).toContainText('高峰时段 12:00–13:00 基础服务费 ×1.5');
  await expect(customer.locator('.price-table')).toContainText('距服务中心10公里内免远程费');
  await customer.getByRole('link', { name: '立即预约' }).click();
  await expect(customer).toHaveURL(/\/book\/\d+/);
  await hydrated(customer);
  await fillBooking(customer, '黄浦区人民大道1号2栋301', HOME.latitude, '12:00');
  await expect(customer.locator('.quote [data-kind="time"] .num')).toHaveText('¥45.00');
  await expect(customer.locator('.submit-bar .price')).toHaveText('¥135.00');
  await customer.locator('#f-coupon').selectOption({ label: `${couponName} · 满¥100.00减¥15.00` });
  await expect(customer.locator('.quote [data-kind="coupon"] .num')).toHaveText('-¥15.00');
  await expect(customer.locator('.submit-bar .price')).toHaveText('¥120.00');
  // An add-on is one more line, charged once: ¥90 + ¥45 + ¥30 − ¥15.
  await customer.getByLabel('冰箱内部清洁').check();
  await expect(customer.locator('.quote [data-kind="addon"] .num')).toHaveText('¥30.00');
  await expect(customer.locator('.submit-bar .price')).toHaveText('¥150.00');
  await snap(customer, 'pricing-03-book-peak-coupon-390x844');
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await expect(customer.locator('.pay-amount')).toHaveText('¥150.00');
  await customer.getByRole('button', { name: '确认支付' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  await hydrated(customer);
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/待接单/);
  await expect(customer.locator('.quote .price')).toHaveText('¥150.00');
  await snap(customer, 'pricing-04-order-390x844');

  // Used: the coupon shows as 已使用 and is not offered again.
  await open(customer, '/me/coupons');
  await expect(customer.locator('.coupon-list').last().locator('.coupon', { hasText: couponName })).toContainText('已使用');
  await adminContext.close();
  await context.close();
});

test('an admin changes the cancellation rules; a bad line is named and a new booking states the new rule', async ({ browser }) => {
  const adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const admin = await adminContext.newPage();
  await login(admin, DEMO.admin.phone, DEMO.admin.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await open(admin, '/admin/pricing');
  const desk = admin.locator('.cancel-rules-desk');
  const tiers = desk.getByLabel('收费档位（每行：开始前多久 收取比例）');
  await expect(tiers).toHaveValue('2小时 20%');

  // A fee that falls nearer the start is refused on its line; nothing is saved.
  await tiers.fill('1天 30%\n2小时 10%');
  await desk.getByRole('button', { name: '保存取消规则' }).click();
  await expect(desk.locator('#f-cancel-tiers-error')).toHaveText('第2行：越临近服务开始，收取比例不能越低');

  // The sentence customers will read follows the lines as typed.
  await tiers.fill('1天 10%\n2小时 30%');
  await expect(desk.locator('.cancel-rules-preview')).toContainText('取消规则：服务开始前1天以上免费取消；开始前1天内取消收取实付的10%；开始前2小时内取消收取实付的30%；服务者到达后不可取消。');
  await desk.getByRole('button', { name: '保存取消规则' }).click();
  await expect(desk.getByRole('status')).toContainText('已保存');
  await expect(desk.locator('[data-version]')).toContainText(/v\d+ · /);
  await snap(admin, 'pricing-05-cancel-rules-1440x900');
  await expectAccessible(admin);

  const context = await browser.newContext({ viewport: PHONE, geolocation: HOME, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const customer = await context.newPage();
  await login(customer, DEMO.customer.phone, DEMO.customer.password);
  await expect(customer).not.toHaveURL(/\/login/);
  await open(customer, '/?q=日常保洁');
  await customer.locator('.service-card', { hasText: '日常保洁 · 2小时' }).click();
  await customer.getByRole('link', { name: '立即预约' }).click();
  await expect(customer).toHaveURL(/\/book\/\d+/);
  await expect(customer.locator('.cancel-rules-hint')).toHaveText('取消规则：服务开始前1天以上免费取消；开始前1天内取消收取实付的10%；开始前2小时内取消收取实付的30%；服务者到达后不可取消。');

  // Back to the spec's default, which the other journeys read.
  await open(admin, '/admin/pricing');
  await hydrated(admin);
  await tiers.fill('2小时 20%');
  await desk.getByRole('button', { name: '保存取消规则' }).click();
  await expect(desk.getByRole('status')).toContainText('已保存');
  await adminContext.close();
  await context.close();
});

test('an admin changes the late-arrival penalties; a bad line is named and workers read the new rule', async ({ browser }) => {
  const adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const admin = await adminContext.newPage();
  await login(admin, DEMO.admin.phone, DEMO.admin.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await open(admin, '/admin/pricing');
  const desk = admin.locator('.late-rules-desk');
  const tiers = desk.getByLabel('扣款档位（每行：迟到多久 扣款金额；爽约 扣款金额）');
  await expect(tiers).toHaveValue('15分钟 ¥20.00\n30分钟 ¥50.00\n爽约 ¥100.00');

  // A penalty that falls the later the arrival is refused on its line; nothing is saved.
  await tiers.fill('15分钟 ¥30\n30分钟 ¥20');
  await desk.getByRole('button', { name: '保存迟到扣款' }).click();
  await expect(desk.locator('#f-late-tiers-error')).toHaveText('第2行：迟到越久，扣款不能越少');
  await tiers.fill('15分钟 ¥30\n爽约 ¥10');
  await desk.getByRole('button', { name: '保存迟到扣款' }).click();
  await expect(desk.locator('#f-late-tiers-error')).toHaveText('第2行：爽约扣款不能少于迟到扣款');

  // The sentence workers will read follows the lines as typed.
  await tiers.fill('10分钟 ¥15\n40分钟 60元\n爽约 ¥120');
  const sentence = '迟到扣款：到达时间晚于预约开始时间时，迟到10分钟以上扣¥15.00，迟到40分钟以上扣¥60.00；从该单收入中扣除，最多扣完该单收入；'
    + '预约开始后仍未出发、订单被平台改派的，按爽约扣¥120.00（从可提现收入中扣，最多扣到0）';
  await expect(desk.locator('.late-rules-preview')).toContainText(sentence);
  await desk.getByRole('button', { name: '保存迟到扣款' }).click();
  await expect(desk.getByRole('status')).toContainText('已保存');
  await expect(desk.locator('[data-version]')).toContainText(/v\d+ · /);
  await desk.scrollIntoViewIfNeeded();
  await snap(admin, 'pricing-06-late-rules-1440x900');
  await expectAccessible(admin);

  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const worker = await context.newPage();
  await login(worker, DEMO.approvedWorker.phone, DEMO.approvedWorker.password);
  await expect(worker).not.toHaveURL(/\/login/);
  await open(worker, '/worker/assessment');
  await expect(worker.locator('[data-rules]')).toContainText(sentence);
  await worker.locator('[data-rules]').scrollIntoViewIfNeeded();
  await snap(worker, 'worker-late-rules-390x844');

  // Back to the built-in rule, which the other journeys read.
  await open(admin, '/admin/pricing');
  await hydrated(admin);
  await tiers.fill('15分钟 ¥20\n30分钟 ¥50\n爽约 ¥100');
  await desk.getByRole('button', { name: '保存迟到扣款' }).click();
  await expect(desk.getByRole('status')).toContainText('已保存');
  await adminContext.close();
  await context.close();
});
