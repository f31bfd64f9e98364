/**
 * VERIFY.md, shipped in every pack. The same text for every run (it is a signed
 * subject too). A test runs its first bash block literally, so every command
 * here must stay copy-pasteable.
 */
export const VERIFY_MD = `# Verifying this evidence pack

You need unzip, sha256sum (GNU coreutils), openssl 3, and bash with grep, sed,
printf, cat and cmp. Nothing from Business Factory is needed and nothing here
trusts our software.

Save the pack as \`evidence_pack.zip\`, open a bash shell in its directory and
run these five commands. Each must succeed (exit status 0, openssl prints
\`Signature Verified Successfully\`); stop at the first that fails.

\`\`\`bash
unzip -q -o evidence_pack.zip -d evidence_pack && cd evidence_pack
sha256sum --strict -c verification_checksums.txt
cmp <(grep -o '"digest":{"sha256":"[0-9a-f]\\{64\\}"},"name":"[^"]*"' attestation/statement.json | sed 's/^"digest":{"sha256":"\\([0-9a-f]*\\)"},"name":"\\(.*\\)"$/\\1  \\2/') <(grep -v '  attestation/' verification_checksums.txt)
printf 'DSSEv1 28 application/vnd.in-toto+json %d ' "$(wc -c < attestation/statement.json)" | cat - attestation/statement.json | cmp - attestation/pae.bin
openssl pkeyutl -verify -pubin -inkey attestation/signing-key.pub.pem -rawin -in attestation/pae.bin -sigfile attestation/signature.bin
\`\`\`

What each one proves:

1. Unpacks the pack into \`evidence_pack/\`.
2. Every file listed in \`verification_checksums.txt\` has the listed sha256.
3. The signed in-toto statement (\`attestation/statement.json\`, the exact signed
   bytes) names exactly the files of the checksum list, outside \`attestation/\`,
   with the same digests: the checksum list is covered by the signature, so an
   edited file cannot be hidden by editing the list too.
4. \`attestation/pae.bin\` is the DSSE pre-authentication encoding of
   \`statement.json\` (\`"DSSEv1" SP len(type) SP type SP len(body) SP body\`,
   type \`application/vnd.in-toto+json\`, 28 bytes). Rebuilt here rather than
   trusted.
5. The Ed25519 signature \`attestation/signature.bin\` (64 raw bytes) over that
   encoding verifies under \`attestation/signing-key.pub.pem\`.

Last, make sure the public key is one Business Factory published and has not
revoked (\`GET /api/v1/keys\`, or the key list you were given): compare it with

\`\`\`sh
cat attestation/signing-key.pub.pem
\`\`\`

A key shipped inside the pack proves only that the pack was not changed after
signing; who signed it is answered by that comparison.

## The other attestation files

\`attestation/envelope.dsse.json\` is the standard DSSE envelope for tools that
read one; its payload and signature are the same bytes as \`statement.json\` and
\`signature.bin\` (standard base64). To confirm, in \`evidence_pack/\`:

\`\`\`sh
sed 's/.*"payload":"\\([^"]*\\)".*/\\1/' attestation/envelope.dsse.json | openssl base64 -d -A | cmp - attestation/statement.json
sed 's/.*"sig":"\\([^"]*\\)".*/\\1/' attestation/envelope.dsse.json | openssl base64 -d -A | cmp - attestation/signature.bin
\`\`\`

The signing key id is \`signatures[0].keyid\` in the envelope; it is a hint for
finding the key, never a substitute for checking it.

## Why the report does not show the signature

\`validation_report.pdf\` is itself a signed subject, so it cannot contain the
statement's hash or the signature (both depend on the report's own bytes).
It shows instead the pack's content hash: the sha256 of the checksum lines of
every file except the report and \`attestation/\`. Recompute it with

\`\`\`sh
grep -v -e '  attestation/' -e '  validation_report.pdf$' verification_checksums.txt | sha256sum
\`\`\`

and point to the signature in \`attestation/envelope.dsse.json\`.

## Dry runs

A dry run changed nothing outside Business Factory. It says so in
\`run.json\` (\`dry_run\`), in the signed statement
(\`predicate.buildDefinition.externalParameters.dry_run\`) and on every page of
the report. Steps of a live run that ran as a dry run are listed with their
reasons in \`run.json\` (\`dry_run_steps\`) and in the report.

## Reproducibility

The ZIP is deterministic: entries are sorted, every entry carries the run's
finish time, JSON has sorted keys, and the report's dates are the run's finish
time. Rebuilding the pack of the same run gives the same bytes.
`;
