import { test, expect } from '@playwright/test';
import { DEMO, PHONE, DESKTOP, freshPhone, open, login, snap, expectAccessible, fieldError, hydrated } from './helpers';

test.use({ viewport: PHONE });

test('a worker signs up and sees the application is 待审核', async ({ page }) => {
  await open(page, '/worker/register');
  await page.getByLabel('手机号').fill(freshPhone('137'));
  await page.getByLabel('密码').fill('worker-pass-1');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(fieldError(page, 'real_name')).toHaveText('请填写姓名');
  await snap(page, 'worker-register-errors-390x844');

  await page.getByLabel('真实姓名').fill('赵阿姨');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/worker$/);
  await expect(page.locator('.status-badge')).toHaveText('待审核');
  await expect(page.getByText('平台审核通过后即可开始接单')).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'worker-home-applicant-390x844');
});

test('an approved worker sees their profile', async ({ page }) => {
  await login(page, DEMO.approvedWorker.phone, DEMO.approvedWorker.password);
  await expect(page).toHaveURL(/\/worker$/);
  await expect(page.locator('.status-badge')).toHaveText('已认证');
  await expect(page.getByText('从业年限')).toBeVisible();
  await snap(page, 'worker-home-approved-390x844');
  await page.getByRole('link', { name: /我的/ }).click();
  await expect(page.locator('.profile-phone')).toHaveText(DEMO.approvedWorker.phone);
  await snap(page, 'worker-me-390x844');

  await page.setViewportSize(DESKTOP);
  await open(page, '/worker');
  await snap(page, 'worker-home-1440x900');
});

test('工作台 keeps one live connection however many of its parts follow the news', async ({ page }) => {
  // Over plain HTTP a browser keeps six connections per host: a stream per
  // part (offers, the message count, the tab bar) would leave two open tabs none.
  let streams = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/live') streams += 1; });
  await login(page, DEMO.approvedWorker.phone, DEMO.approvedWorker.password);
  await expect(page).toHaveURL(/\/worker$/);
  await hydrated(page);
  await expect.poll(() => streams).toBe(1);
  await page.waitForTimeout(1000);
  expect(streams).toBe(1);
});

test('a worker cannot open the admin area', async ({ page }) => {
  await login(page, DEMO.applicantWorker.phone, DEMO.applicantWorker.password);
  await expect(page).toHaveURL(/\/worker$/);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByText('您没有权限执行此操作')).toBeVisible();
});

test('a worker sets the service area and hours, with bad input explained in place', async ({ page }) => {
  await login(page, DEMO.approvedWorker.phone, DEMO.approvedWorker.password);
  await expect(page).toHaveURL(/\/worker$/);
  await open(page, '/worker/me');
  await page.getByRole('link', { name: '服务时间与区域' }).click();
  await expect(page).toHaveURL(/\/worker\/settings$/);
  await open(page, '/worker/settings');
  await expect(page.getByLabel('服务半径（公里）')).toHaveValue('20');
  await page.getByLabel('服务半径（公里）').fill('0');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#f-radius-error')).toHaveText('服务半径需在1到50公里之间');
  await page.getByLabel('服务半径（公里）').fill('20');
  await page.getByLabel('结束').fill('07:00');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#f-hours-error')).toHaveText('结束时间必须晚于开始时间');
  await page.getByLabel('结束').fill('20:00');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toHaveText('已保存');
  await snap(page, 'worker-settings-390x844');
});
