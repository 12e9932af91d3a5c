// ps-ast.mjs parses a PowerShell script with tree-sitter-powershell and
// prints every ERROR or MISSING node; it exits 1 if there is one. Run from
// a directory whose node_modules holds tree-sitter and
// tree-sitter-powershell (npm install tree-sitter tree-sitter-powershell):
//
//   node --input-type=module -e "$(cat ps-ast.mjs)" SCRIPT.ps1
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';
import fs from 'fs';

const file = process.argv[process.argv.length - 1];
const src = fs.readFileSync(file, 'utf8');
const parser = new Parser();
parser.setLanguage(PowerShell);
const tree = parser.parse(src, null, { bufferSize: 1 << 22 });
let bad = 0;
const walk = (n) => {
  if (n.type === 'ERROR' || n.isMissing) {
    bad++;
    const text = src.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 60)).replace(/\r?\n/g, '\\n');
    console.log(`${file}:${n.startPosition.row + 1}:${n.startPosition.column + 1}: ${n.isMissing ? 'missing' : 'syntax error'}: ${text}`);
  }
  for (const c of n.children) walk(c);
};
walk(tree.rootNode);
process.exit(bad ? 1 : 0);
