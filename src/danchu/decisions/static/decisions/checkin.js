// The meeting's check-in, progressively enhanced: where the browser reads QR codes itself
// (BarcodeDetector) and may open the camera, a button scans a household's code from the printed
// attendance sheet, fills the field and sends the form. Elsewhere the page works as it is: type
// the code, or use a scanner that types into the field. No library: only the browser's own API.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check-in]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var input = form.querySelector("input[name=code]");
  var video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.setAttribute("aria-hidden", "true");
  video.hidden = true;
  video.style.maxWidth = "100%";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = form.getAttribute("data-scan-label");
  form.appendChild(button);
  form.appendChild(video);
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var stream = null;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.hidden = true;
  }

  function look() {
    if (!stream) {
      return;
    }
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        input.value = codes[0].rawValue;
        stop();
        // Scan the next household once the page is back.
        window.sessionStorage.setItem("danchu-check-in-scan", "1");
        form.submit();
      } else {
        window.setTimeout(look, 250);
      }
    }).catch(function () { window.setTimeout(look, 500); });
  }

  function start() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        return video.play();
      })
      .then(look)
      .catch(function () {
        stop();
        window.sessionStorage.removeItem("danchu-check-in-scan");
        input.focus();
      });
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      window.sessionStorage.removeItem("danchu-check-in-scan");
    } else {
      start();
    }
  });
  if (window.sessionStorage.getItem("danchu-check-in-scan") === "1") {
    start();
  }
})();
