// Keyboard shortcuts for the admin pages. Everything also works without this script (links, buttons, forms).
(function () {
  "use strict";
  const page = document.body.dataset.page;
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const rows = Array.from(document.querySelectorAll("tr[data-row]"));
  let current = -1;

  function select(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("pilih", i === current));
    const link = rows[current].querySelector("a");
    if (link) link.focus();
  }

  function go(selector) {
    const link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  function pick(n) {
    const button = document.querySelector(`[data-pick="${n}"]`);
    const field = document.querySelector('#putuskan input[name="agency"]');
    if (!button || !field) return;
    field.value = button.dataset.agency;
    document.querySelectorAll("[data-pick]").forEach((b) => b.classList.toggle("dipilih", b === button));
    document.querySelector('#putuskan button[type="submit"]').focus();
  }

  document.querySelectorAll("[data-pick]").forEach((b) => b.addEventListener("click", () => pick(b.dataset.pick)));
  // A new API token: selected as soon as it has focus, ready for Ctrl+C.
  document.querySelectorAll("[data-pilih-semua]").forEach((field) => {
    field.addEventListener("focus", () => field.select());
    if (document.activeElement === field) field.select();
  });
  // Background jobs: while one is queued or running, the list's rows are fetched again every 3 s and swapped in
  // place (focus, scroll and a file being chosen stay as they are) until no job is left waiting or running.
  function refreshJobs() {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("table.berkas");
        const table = document.querySelector("table.berkas");
        if (!fresh || !table) return;
        table.tBodies[0].replaceWith(fresh.tBodies[0]);
        if (fresh.hasAttribute("data-refresh")) setTimeout(refreshJobs, 3000);
        else table.removeAttribute("data-refresh");
      })
      .catch(() => setTimeout(refreshJobs, 10000));
  }
  if (document.querySelector("table.berkas[data-refresh]")) setTimeout(refreshJobs, 3000);
  const helpButton = document.querySelector("[data-help]");
  const help = document.getElementById("bantuan");
  if (helpButton && help) helpButton.addEventListener("click", () => help.showModal());

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key;
    if (key === "?" && help) { help.showModal(); event.preventDefault(); return; }
    if (key === "/") {
      const search = document.querySelector("[data-search]");
      if (search) { search.focus(); event.preventDefault(); }
      return;
    }
    if (key === "n" && page !== "baru") {
      const link = document.querySelector("[data-new-complaint]");
      if (link) { window.location.assign(link.href); event.preventDefault(); }
      return;
    }
    const recompute = key === "r" && document.querySelector("[data-recompute]");
    if (recompute) { window.location.assign(recompute.href); event.preventDefault(); return; }
    if (page === "antrean") {
      if (key === "j") select(current + 1);
      else if (key === "k") select(current - 1);
      else if (key === "Enter" && current >= 0) window.location.assign(rows[current].dataset.href);
      else if (key === "x" && current >= 0) {
        const box = rows[current].querySelector('input[type="checkbox"]');
        if (box) box.checked = !box.checked;
      } else return;
      event.preventDefault();
    } else if (page === "detail") {
      if (key === "a") { const form = document.getElementById("setujui"); if (form) form.requestSubmit(); }
      else if (key === "j") go("[data-next]");
      else if (key === "k") go("[data-prev]");
      else if (key === "g") go("[data-queue]");
      else if (key === "m") { const box = document.querySelector('#putuskan input[name="misinformation"]'); if (box) box.checked = !box.checked; }
      else if (key === "t") { const note = document.querySelector('#tindak-lanjut textarea'); if (note) note.focus(); }
      else if (key === "d") { const into = document.querySelector('#gabung input[name="into"]'); if (into) into.focus(); }
      else if (/^[1-3]$/.test(key)) pick(key);
      else return;
      event.preventDefault();
    }
  });
})();
