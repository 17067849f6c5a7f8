// Errors in sight: after a refused submission, open every <details> that holds an error
// (the server already marks them open; this covers sections it could not know about) and
// move the focus to the first field in error, else to the error summary at the top.
document.addEventListener("DOMContentLoaded", () => {
  const errors = document.querySelectorAll(".has-error, .form-errors, .errorlist, .error-summary");
  if (!errors.length) return;
  errors.forEach((node) => {
    for (let d = node.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
  });
  const field = document.querySelector(
    ".has-error input:not([type=hidden]), .has-error select, .has-error textarea"
  );
  const target = field || document.querySelector("[data-error-summary]") || errors[0];
  if (!target.matches("input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
});
