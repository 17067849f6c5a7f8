// "Add a row" for Django formsets: clones the empty form of a [data-formset] block.
// Without JavaScript the formset still works: each save shows fresh blank rows.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset]").forEach((block) => {
    const prefix = block.dataset.formset;
    const total = block.querySelector(`#id_${prefix}-TOTAL_FORMS`);
    const template = block.querySelector("template");
    const rows = block.querySelector("[data-formset-rows]");
    const button = block.querySelector("[data-formset-add]");
    if (!total || !template || !rows || !button) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = Number(total.value);
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  });
});
