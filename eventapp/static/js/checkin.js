// Check-in desk: keep the code field focused for handheld scanners, and offer the phone
// camera where the browser has the BarcodeDetector API. Without this file the form still works.
(() => {
  const field = document.getElementById("code");
  if (!field) return;
  field.focus();
  document.addEventListener("click", (event) => {
    if (!event.target.closest("input, select, textarea, button, a, summary")) field.focus();
  });
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const button = document.getElementById("camera-scan");
  const video = document.getElementById("camera");
  button.hidden = false;
  button.addEventListener("click", async () => {
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const look = async () => {
      const codes = await detector.detect(video);
      if (codes.length) {
        stream.getTracks().forEach((track) => track.stop());
        field.value = codes[0].rawValue;
        field.form.submit();
        return;
      }
      requestAnimationFrame(look);
    };
    look();
  });
})();
