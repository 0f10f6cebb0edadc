/**
 * The YAML editor of a working copy (CodeMirror, the campaign JSON Schema: completion, hover and
 * inline errors). Every change is kept in localStorage until saved (a reload loses nothing); the
 * canvas redraws whenever the text parses to a campaign.
 */
import { EditorView, basicSetup } from 'codemirror';
import { yamlSchema } from 'codemirror-json-schema/yaml';
import type { JSONSchema7 } from 'json-schema';
import { useEffect, useRef, useState } from 'react';
import { parse, stringify } from 'yaml';
import schema from '../../../schemas/campaign.schema.json';
import { draftKey } from '../drafts.js';
import type { Definition } from '../types.js';

interface Props {
  campaignId: string;
  definition: Definition;
  saving: boolean;
  onDefinition: (d: Definition) => void;
  onSave: (yamlText: string) => void;
  onClose: () => void;
}

export function parseDraft(text: string): Definition | undefined {
  try {
    const d = parse(text) as unknown;
    return d && typeof d === 'object' && !Array.isArray(d) && Array.isArray((d as Definition).activities)
      ? (d as Definition)
      : undefined;
  } catch {
    return undefined;
  }
}

export default function Editor(p: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const [restored] = useState(() => localStorage.getItem(draftKey(p.campaignId)) !== null);
  const [parses, setParses] = useState(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once per campaign
  useEffect(() => {
    const initial = localStorage.getItem(draftKey(p.campaignId)) ?? stringify(p.definition);
    const first = parseDraft(initial);
    if (first) p.onDefinition(first);
    view.current = new EditorView({
      parent: host.current!,
      doc: initial,
      extensions: [
        basicSetup,
        yamlSchema(schema as unknown as JSONSchema7),
        EditorView.contentAttributes.of({ 'aria-label': `YAML of campaign ${p.campaignId}` }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          const text = u.state.doc.toString();
          localStorage.setItem(draftKey(p.campaignId), text);
          const d = parseDraft(text);
          setParses(Boolean(d));
          if (d) p.onDefinition(d);
        }),
      ],
    });
    return () => view.current?.destroy();
  }, [p.campaignId]);
  const discard = () => {
    localStorage.removeItem(draftKey(p.campaignId));
    view.current?.dispatch({
      changes: { from: 0, to: view.current.state.doc.length, insert: stringify(p.definition) },
    });
    localStorage.removeItem(draftKey(p.campaignId));
  };
  return (
    <section className="editor" aria-label="working copy editor">
      <div className="toolbar">
        <button
          type="button"
          disabled={p.saving}
          onClick={() => view.current && p.onSave(view.current.state.doc.toString())}
        >
          Save working copy
        </button>
        <button type="button" onClick={discard}>
          Discard changes
        </button>
        <button type="button" onClick={p.onClose}>
          Close editor
        </button>
        <span aria-live="polite" className="muted">
          {restored ? 'unsaved changes restored · ' : ''}
          {parses ? 'the canvas follows the text' : 'not a campaign yet: the canvas shows the last valid text'}
        </span>
      </div>
      <div ref={host} className="cm-host" />
    </section>
  );
}
