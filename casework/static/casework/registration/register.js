// Fills the date of birth and the gender as soon as a whole ID number is typed; the server
// checks them again (casework/registration/forms.py), so this only saves typing.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function normalise(value) {
    return value
      .replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[\s\u3000-]+/g, "")
      .toUpperCase();
  }

  function read(value) {
    if (!/^[0-9]{17}[0-9X]$/.test(value)) return null;
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(value[i]) * WEIGHTS[i];
    if (CHECK[total % 11] !== value[17]) return null;
    return {
      birth: value.slice(6, 10) + "-" + value.slice(10, 12) + "-" + value.slice(12, 14),
      gender: Number(value[16]) % 2 ? "M" : "F",
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("[data-cw-id-number]");
    if (!input) return;
    var form = input.form;
    function fill() {
      var found = read(normalise(input.value));
      if (!found) return;
      form.elements.birth_date.value = found.birth;
      var gender = form.querySelector('input[name="gender"][value="' + found.gender + '"]');
      if (gender) gender.checked = true;
    }
    input.addEventListener("input", fill);
    fill();
  });
})();
