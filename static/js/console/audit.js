/* The activity log: who changed the note, loaded when opened and after each change. */
import { $, el, S, slug } from "./util.js";

export function createAudit(api) {
  const details = $("activity");
  let queued = null;
  async function load() {
    if (!details.open) return;
    const ack = await api.call("session:audit", { slug });
    if (!ack.ok) return;
    $("activity-list").replaceChildren(
      ...ack.events.map((e) => {
        const what = S.actions[e.action] || e.action;
        const detail = e.details.text || e.details.section || e.details.after || (e.details.version ? `v${e.details.version}` : "");
        return el(
          "li",
          {},
          el("time", { datetime: e.at, className: "small muted" }, window.HS.time(e.at)),
          " ",
          el("strong", {}, e.moderator || "—"),
          ` ${what}`,
          detail && typeof detail === "string" ? el("span", { className: "small muted" }, ` · ${detail}`) : null
        );
      })
    );
  }
  details.addEventListener("toggle", load);
  // Several note changes in a burst load the log once.
  const refresh = () => {
    clearTimeout(queued);
    queued = setTimeout(load, 300);
  };
  return { load, refresh };
}
