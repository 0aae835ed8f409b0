// Save a Blob or text as a file through a temporary <a download>.
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: the download may still be reading the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const downloadText = (text: string, filename: string, type: string): void => downloadBlob(new Blob([text], { type }), filename);

export const downloadJson = (value: unknown, filename: string): void =>
  downloadText(JSON.stringify(value, null, 2) + '\n', filename, 'application/json');
