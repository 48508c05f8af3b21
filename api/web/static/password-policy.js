// Shows the password rules as the person types; the server checks them again.
(function () {
  "use strict";
  var input = document.getElementById("new_password");
  var help = document.getElementById("new_password-help");
  var repeat = document.getElementById("confirm_password");
  var repeatHelp = document.getElementById("confirm_password-help");
  if (!input || !help) return;
  var min = parseInt(help.dataset.min, 10);
  var max = parseInt(help.dataset.max, 10);
  function length(s) { return Array.from(s).length; }
  function update() {
    var n = length(input.value);
    if (n < min) help.textContent = help.dataset.short.replace("{n}", String(min - n));
    else if (n > max) help.textContent = help.dataset.long.replace("{n}", String(n - max));
    else help.textContent = help.dataset.ok;
    if (repeat && repeatHelp && repeat.value) {
      repeatHelp.textContent = repeat.value === input.value ? repeatHelp.dataset.same : repeatHelp.dataset.differ;
    }
  }
  input.addEventListener("input", update);
  if (repeat) repeat.addEventListener("input", update);
})();
