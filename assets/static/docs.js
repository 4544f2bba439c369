// /docs keeps its operations and schemas closed: a link to one (a response's schema, a shared URL)
// opens it. Browsers that reveal a fragment's closed <details> themselves do no harm here.
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1));
  var el = id && document.getElementById(id);
  if (el && el.parentElement && el.parentElement.tagName === "DETAILS") {
    el.parentElement.open = true;
    el.scrollIntoView();
  }
}
window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", openTarget);
