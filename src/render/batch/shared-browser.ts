/**
 * Batch renders — the one browser shared by every row of a batch: launched on first use, relaunched if it
 * dies (concurrent callers wait for the same launch), closed when the batch ends.
 */
import { launchBrowser, type LaunchedBrowser, type LaunchOptions } from "../launch.js";

export class SharedBrowser {
  private launched: LaunchedBrowser | undefined;
  private launching: Promise<LaunchedBrowser> | undefined;
  /** browsers launched so far */
  launches = 0;

  constructor(private readonly options: LaunchOptions) {}

  async get(): Promise<LaunchedBrowser> {
    if (this.launched && this.launched.browser.connected) return this.launched;
    if (!this.launching) {
      const old = this.launched;
      this.launching = (async () => {
        await old?.close();
        this.launches++;
        this.launched = await launchBrowser(this.options);
        return this.launched;
      })().finally(() => (this.launching = undefined));
    }
    return this.launching;
  }

  async close(): Promise<void> {
    await this.launched?.close();
  }
}
