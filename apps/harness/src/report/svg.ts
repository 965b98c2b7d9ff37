/**
 * Just enough SVG and HTML writing for the report: escaped text, attributes in a stable
 * order, coordinates rounded so the page stays small and the same input gives the same
 * bytes.
 */

export function escapeText(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A coordinate or length rounded to a tenth of a pixel. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

function attributeList(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(
      ([name, value]) => ` ${name}="${typeof value === 'number' ? px(value) : escapeText(value)}"`,
    )
    .join('');
}

/** An element; without children it closes itself. Children are markup, already escaped. */
export function element(name: string, attributes: Attributes, ...children: string[]): string {
  const open = `${name}${attributeList(attributes)}`;
  return children.length === 0 ? `<${open}/>` : `<${open}>${children.join('')}</${name}>`;
}

export function text(attributes: Attributes, content: string): string {
  return element('text', attributes, escapeText(content));
}

/** A hover tooltip for the element it is the first child of. */
export function title(content: string): string {
  return element('title', {}, escapeText(content));
}

/** An inline `<svg>` sized in pixels that scales down with the page. */
export function svg(
  width: number,
  height: number,
  attributes: Attributes,
  ...children: string[]
): string {
  return element(
    'svg',
    { viewBox: `0 0 ${px(width)} ${px(height)}`, width, height, role: 'img', ...attributes },
    ...children,
  );
}
