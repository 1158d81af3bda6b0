#!/usr/bin/env bash
# usage: aws_test.sh BUILD_CLI_DIR
# `tresor aws-credential-process` with a real AWS SDK (issue 10): Debian's
# botocore resolves a profile whose credential_process is tresor, with no
# network and no other credential source: temporary credentials with an
# expiry become refreshable credentials expiring then; long-term keys have
# no token and no expiry; a missing entry or a value that is not the JSON
# object reaches botocore as an error, without the value. Ends with one
# summary line; exit 1 on a failure, 2 when botocore is missing.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
# Debian's python3, which sees python3-botocore (another python3 may be first on PATH).
/usr/bin/python3 -c 'import botocore' 2> /dev/null || {
    echo "$name: FAILED: botocore is not installed; run scripts/install-deps --test" >&2
    exit 2
}
finish_setup "$1"
echo "# botocore $(/usr/bin/python3 -c 'import botocore; print(botocore.__version__)')"

# Only the config file may provide credentials; no instance metadata.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE=$dir/aws-config AWS_SHARED_CREDENTIALS_FILE=$dir/none
export AWS_EC2_METADATA_DISABLED=true
for profile in session static missing broken; do
    printf '[profile %s]\ncredential_process = tresor aws-credential-process aws/%s\nregion = eu-west-1\n' \
        "$profile" "$profile"
done > "$AWS_CONFIG_FILE"
resolve() {  # PROFILE -> "method access secret token expiry" or "error: ..."
    /usr/bin/python3 - "$1" << 'PY'
import sys
import botocore.session
from botocore.exceptions import BotoCoreError
try:
    credentials = botocore.session.Session(profile=sys.argv[1]).get_credentials()
    frozen = credentials.get_frozen_credentials()
    expiry = getattr(credentials, "_expiry_time", None)
    print(credentials.method, frozen.access_key, frozen.secret_key, frozen.token,
          expiry.isoformat() if expiry else None)
except BotoCoreError as e:
    print("error:", e)
PY
}

step="temporary credentials"
printf '{"AccessKeyId":"ASIATEST","SecretAccessKey":"secret/key+1","SessionToken":"token-1"}' |
    tresor set aws session --type custom --expires 2099-06-30T12:00:00Z
got=$(resolve session)
[[ $got == "custom-process ASIATEST secret/key+1 token-1 2099-06-30T12:00:00+00:00" ]] ||
    fail "session profile: $got"
ok "botocore reads key, secret, token and the entry's expiry as Expiration"

step="long-term keys"
printf '{"AccessKeyId":"AKIATEST","SecretAccessKey":"long-term"}' | tresor set aws static --type custom
got=$(resolve static)
[[ $got == "custom-process AKIATEST long-term None None" ]] || fail "static profile: $got"
ok "without SessionToken and expiry botocore gets static credentials"

step="errors"
got=$(resolve missing)
[[ $got == error:*"not found: aws/missing"* ]] || fail "missing entry: $got"
printf 'AKIA-not-json-secret' | tresor set aws broken
got=$(resolve broken)
[[ $got == error:*"is not valid JSON"* && $got != *not-json-secret* ]] || fail "broken value: $got"
ok "a missing entry and a value that is not JSON reach botocore as errors, without the value"
