// The event form's "When" box: once the editor types (or changes the reference date), the
// preview's reading fills Start, End, Precision and Approximate. The preview shown when the
// page loads fills nothing, so opening an event never changes its stored dates.
(function () {
  "use strict";
  let touched = false;

  function markTouched(event) {
    if (event.target.id === "id_when" || event.target.id === "id_when_base") {
      touched = true;
    }
  }

  function setValue(id, value) {
    const field = document.getElementById(id);
    if (!field) return;
    if (field.type === "checkbox") {
      field.checked = value === "true";
    } else {
      field.value = value;
    }
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fill(event) {
    const target = event.detail && event.detail.target;
    if (!touched || !target || target.id !== "when-preview") return;
    const reading = target.querySelector(".when-ok");
    if (!reading) return;
    setValue("id_start", reading.dataset.start);
    setValue("id_end", reading.dataset.end);
    setValue("id_precision", reading.dataset.precision);
    setValue("id_approximate", reading.dataset.approximate);
  }

  document.addEventListener("input", markTouched);
  document.addEventListener("change", markTouched);
  document.addEventListener("htmx:afterSwap", fill);
})();
