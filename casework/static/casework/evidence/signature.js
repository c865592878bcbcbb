// The guardian's signature: drawn with a finger on a canvas, kept as a PNG data URL in a
// hidden field (so a refused form still holds it and redraws it).
document.querySelectorAll('[data-cw-signature]').forEach((box) => {
  const canvas = box.querySelector('canvas');
  const input = box.querySelector('input[type=hidden]');
  const ctx = canvas.getContext('2d');
  ctx.lineWidth = 4;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#111';
  let drawing = false;
  let drawn = false;
  if (input.value) {
    const img = new Image();
    img.onload = () => { ctx.drawImage(img, 0, 0); drawn = true; };
    img.src = input.value;
  }
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...point(e));
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineTo(...point(e));
    ctx.stroke();
    drawn = true;
    e.preventDefault();
  });
  const end = () => {
    if (drawing && drawn) input.value = canvas.toDataURL('image/png');
    drawing = false;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  box.querySelector('[data-cw-signature-clear]').addEventListener('click', () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    input.value = '';
    drawn = false;
  });
});
