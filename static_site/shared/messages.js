// What a page says of the messages an action will not send (an answer's `not_sent`: channel and
// reason, e.g. a visitor pass by SMS over the number's daily allowance), and of a profile's
// suppressed addresses.
//
//   import { notSentText } from "/shared/messages.js";
//   notSentText([{ channel: "sms", reason: "daily_limit" }])   // "No SMS will be sent: ..."
import { t } from "/shared/i18n.js";
import { formatDate } from "/shared/layout.js";

/** One sentence per message that will not go, in the current language. */
export function notSentText(notSent) {
  return (notSent || [])
    .map(({ channel, reason }) => t(`messages.not_sent_${reason}`, { channel: t(`messages.channel_${channel}`) }))
    .join(" ");
}

/** `not_sent` as it travels in a page address (`sms:daily_limit,email:suppressed`), and back. */
export function notSentParam(notSent) {
  return (notSent || []).map(({ channel, reason }) => `${channel}:${reason}`).join(",");
}

export function notSentFromParam(value) {
  return (value || "")
    .split(",")
    .map((part) => part.split(":"))
    .filter(([channel, reason]) => /^(email|sms)$/.test(channel || "") && /^[a-z_]+$/.test(reason || ""))
    .map(([channel, reason]) => ({ channel, reason }));
}

/** What the profile says of each suppressed address (`suppressed` of GET /api/me). */
export function suppressedText(suppressed) {
  return (suppressed || [])
    .map((entry) => t(`messages.suppressed_${entry.reason}`, { detail: entry.detail || "", since: formatDate(entry.since) }))
    .join(" ");
}
