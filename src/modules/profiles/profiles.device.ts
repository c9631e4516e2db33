import type { DeviceClass } from './profiles.types.ts';

// A deliberately small classifier: the profile needs the share of mobile, tablet, desktop and
// app use, not the model of the phone. Order matters: tablets before phones (Android tablets
// lack "Mobile"), native-app HTTP stacks before browsers.
const APP = /\b(okhttp|Dalvik|CFNetwork|Alamofire|miniProgram|ReactNative|Flutter)\b/i;
const TABLET = /\b(iPad|Tablet|PlayBook|Silk|Kindle)\b|Android(?!.*\bMobile\b)/i;
const MOBILE = /\b(Mobi|iPhone|iPod|Windows Phone|HarmonyOS|BlackBerry|Opera Mini)\b|Android.*\bMobile\b/i;
const DESKTOP = /\b(Windows NT|Macintosh|X11|CrOS|Linux x86_64)\b/;

/**
 * The device class of an event: from the user agent when there is one; an event with only a
 * device id comes from an app SDK (browsers send a user agent); null when neither is known.
 */
export function classifyDevice(
  userAgent: string | null | undefined,
  deviceId?: string | null,
): DeviceClass | null {
  if (userAgent) {
    if (APP.test(userAgent) || !userAgent.startsWith('Mozilla/')) {
      // Non-browser agents that still name a platform are apps; bots and tools are other.
      return APP.test(userAgent) || /\b(iOS|Android|iPhone|HarmonyOS)\b/.test(userAgent) ? 'app' : 'other';
    }
    if (TABLET.test(userAgent)) return 'tablet';
    if (MOBILE.test(userAgent)) return 'mobile';
    if (DESKTOP.test(userAgent)) return 'desktop';
    return 'other';
  }
  return deviceId ? 'app' : null;
}
