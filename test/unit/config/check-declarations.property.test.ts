import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkDeclarations, createDeclarationChecker } from '../../../src/config/check-declarations.js';
import type { Declared } from '../../../src/core/model.js';
import { arbDeclarationText, arbRejected, declaredOf } from './declaration-arbitraries.js';

/** An edit of one file of a configuration: its text replaced, or the file added or removed. */
const arbEdit = fc.record({ op: fc.constantFrom('replace', 'replace', 'replace', 'add', 'remove'), at: fc.nat(), text: arbDeclarationText });

describe('createDeclarationChecker (property)', () => {
  test.prop([fc.array(arbDeclarationText, { minLength: 1, maxLength: 16 }), fc.array(arbEdit, { minLength: 1, maxLength: 10 }), arbRejected], { numRuns: 400 })(
    'gives the result of a fresh check after every edit',
    (texts, edits, rejected) => {
      const checker = createDeclarationChecker();
      let files: Declared[][] = texts.map((t, i) => declaredOf(t, `f${i}.yaml`));
      checker.check(files.flat(), { rejected });
      edits.forEach((e, step) => {
        const i = e.at % files.length;
        const edited = declaredOf(e.text, `e${step}.yaml`);
        if (e.op === 'replace') files = files.map((f, k) => (k === i ? edited : f));
        else if (e.op === 'add') files = [...files.slice(0, i), edited, ...files.slice(i)];
        else if (files.length > 1) files = files.filter((_, k) => k !== i);
        const declared = files.flat();
        expect(checker.check(declared, { rejected })).toEqual(checkDeclarations(declared, { rejected }));
      });
    },
  );
});
