/* Keyboard shortcuts for the whole curation flow (documented in the "?" dialog). They
   never fire while the person types in a field; Esc leaves the field for its group. */
import { $, typing } from "./util.js";

export function createKeyboard({ views, suggestions, posts, note, addOne }) {
  const help = $("help");
  $("open-help").addEventListener("click", () => help.showModal());

  function move(delta) {
    const inSuggestions = views.current() === "suggestions";
    const nodes = inSuggestions ? suggestions.nodes() : posts.visibleNodes();
    if (!nodes.length) return;
    const active = document.activeElement;
    const at = nodes.findIndex((n) => n === active || n.contains(active));
    const next = nodes[Math.max(0, Math.min(nodes.length - 1, at === -1 ? 0 : at + delta))];
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
  }

  function currentCard() {
    let card = suggestions.current();
    if (!card && views.current() === "suggestions") {
      const first = suggestions.nodes()[0];
      if (first) {
        suggestions.focusCard(first);
        card = suggestions.current();
      }
    }
    return card;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || help.open) return;
    if (typing(event.target)) {
      if (event.key === "Escape") {
        const group = event.target.closest("li.group, li.rec");
        event.target.blur();
        if (group) group.focus({ preventScroll: true });
      }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "y") {
      event.preventDefault();
      return note.redo();
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const act = (fn) => {
      event.preventDefault();
      fn();
    };
    switch (key) {
      case "j":
        return act(() => move(1));
      case "k":
        return act(() => move(-1));
      case "/":
        return act(() => $("search").focus());
      case "?":
        return act(() => help.showModal());
      case "v":
        return act(() => views.show(views.current() === "suggestions" ? "posts" : "suggestions", true));
      case "u":
        return act(() => note.undo());
      case "U":
        return act(() => note.redo());
      case "m": {
        if (views.current() !== "suggestions") {
          // A focused post with nothing selected becomes its own item; otherwise the form.
          const active = document.activeElement;
          const rec = active && active.closest ? active.closest("li.rec") : null;
          if (rec && !posts.selected.size) return act(() => addOne(Number(rec.dataset.id)));
          return act(() => $("merge-text").focus());
        }
        const card = currentCard();
        return card ? act(() => suggestions.merge(card)) : undefined;
      }
      case "e": {
        const card = currentCard();
        return card ? act(() => card.wording.focus()) : undefined;
      }
      case "a": {
        const card = currentCard();
        return card ? act(() => suggestions.addToItem(card)) : undefined;
      }
      case "d": {
        const card = currentCard();
        return card ? act(() => suggestions.dismiss(card)) : undefined;
      }
      case "x": {
        const active = document.activeElement;
        const rec = active && active.closest ? active.closest("li.rec") : null;
        if (rec) return act(() => posts.toggle(Number(rec.dataset.id)));
        const member = active && active.closest ? active.closest(".member") : null;
        const card = suggestions.current();
        if (member && card) return act(() => suggestions.toggleMember(card, Number(member.dataset.id)));
        return undefined;
      }
      default:
        return undefined;
    }
  });
}
