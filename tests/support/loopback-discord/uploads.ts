// multipart/form-data bodies as @discordjs/rest sends them: a `payload_json`
// field plus `files[n]` parts; `attachments[i].id` in the JSON refers to n.
import type { APIAttachment } from "discord-api-types/v10";
import type { World } from "./state.js";

export interface UploadedFile {
  /** Form field name, e.g. "files[0]". */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Turns uploaded parts into stored attachments (served back from the loopback CDN). */
export function storeUploads(world: World, channelId: string, body: unknown, files: UploadedFile[]): APIAttachment[] {
  const described = (body as { attachments?: { id?: unknown; description?: string; filename?: string }[] } | undefined)
    ?.attachments;
  return files.map((file, index) => {
    const n = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const meta = described?.find((a) => String(a.id) === n);
    return world.addFile({
      channelId,
      filename: meta?.filename ?? file.filename,
      data: file.data,
      contentType: file.contentType || undefined,
      description: meta?.description,
    });
  });
}
