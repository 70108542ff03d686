import { test, expect } from '@playwright/test';
import { DEMO, PHONE, fieldError } from './helpers';

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
