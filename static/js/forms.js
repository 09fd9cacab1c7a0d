/* "Add a guest" / "Add a room": copy the last fieldset with the next index (WTForms FieldList names). */
"use strict";

document.querySelectorAll("[data-add]").forEach((button) => {
  button.addEventListener("click", () => {
    const list = document.querySelector(`[data-list="${button.dataset.add}"]`);
    const last = list.querySelector("fieldset.repeat:last-of-type");
    const index = list.querySelectorAll("fieldset.repeat").length;
    const copy = last.cloneNode(true);
    const rename = (value) => value.replace(/-(\d+)-/, `-${index}-`);
    copy.querySelectorAll("[name], [id], [for]").forEach((node) => {
      for (const attr of ["name", "id", "for"]) if (node.hasAttribute(attr)) node.setAttribute(attr, rename(node.getAttribute(attr)));
      if ("value" in node && node.tagName !== "BUTTON") node.value = "";
    });
    copy.querySelectorAll(".field-error").forEach((node) => node.remove());
    const legend = copy.querySelector("legend");
    legend.textContent = legend.textContent.replace(/\d+$/, String(index + 1));
    list.append(copy);
    copy.querySelector("input, textarea").focus();
  });
});
