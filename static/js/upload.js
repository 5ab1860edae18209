/* The upload form proposes the issue date its file prints (issue 11).
 *
 * Choosing a file posts it to the form's data-peek-url (articles.views.upload_peek), which reads
 * the page's own date line with the parser's text extraction and answers {issue_date, message,
 * error}. The date fills the date input only while the editor has not typed one (a date we
 * proposed for an earlier file is replaced); the message goes to the status line beside it.
 * Without JavaScript nothing changes: the parse itself reads the date line when the date is empty.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-peek-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var file = form.querySelector("input[name=file]");
  var date = form.querySelector("input[name=issue_date]");
  var hint = document.getElementById("issue-date-hint");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (!file || !date || !hint || !token) return;
  var proposed = null; // the value we filled in, if the input still holds it
  var asked = 0; // only the answer for the latest file counts

  function ours() { return date.value === "" || date.value === proposed; }

  function say(text, isError) {
    hint.textContent = text;
    hint.classList.toggle("error", !!isError);
  }

  file.addEventListener("change", function () {
    if (!file.files.length || !ours()) return; // the editor's own date wins
    var ask = ++asked;
    var body = new FormData();
    body.append("file", file.files[0]);
    body.append("csrfmiddlewaretoken", token.value);
    say(form.dataset.peekReading, false);
    fetch(form.dataset.peekUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ask !== asked) return;
        if (ours()) {
          date.value = data.issue_date || "";
          proposed = data.issue_date || null;
        }
        say(data.message, data.error);
      })
      .catch(function () {
        if (ask === asked) say(form.dataset.peekFailed, true);
      });
  });
})();
