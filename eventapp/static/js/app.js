// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  // Region picker: choosing a kabupaten or kecamatan reloads the form with the next list.
  const picker = event.target.closest(".region-picker");
  if (!picker || event.target.tagName !== "SELECT") return;
  const selects = picker.querySelectorAll("select");
  if (event.target === selects[selects.length - 1]) return;
  const refresh = picker.querySelector("[data-region-refresh]");
  if (refresh) refresh.form.requestSubmit(refresh);
});
