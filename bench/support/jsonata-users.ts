/**
 * The JSONata equivalent of `toDirectoryUser` (src/integrations/leadsquared/users.ts): the same unified
 * record from a LeadSquared Advanced Search user, written the way a JSONata-mapped unified API (Truto)
 * writes its mappings. The benchmark checks that both give deep-equal records before it times them.
 *
 * Bindings: `$groupIds` (sales-group name → id), `$teamNames` (team id → name), `$roleNames` (role → name).
 */
export const USERS_JSONATA = `
(
  $text := function($v) { $type($v) = "string" and $v != "" ? $v : null };
  $iso := function($v) {(
    $m := $type($v) = "string" and $v != ""
      ? $match($trim($v), /^(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?$/)[0];
    $m
      ? $replace(
          $m.groups[0] & "T" & $m.groups[1] & ($m.groups[2] != "" ? $m.groups[2] : ".000") & "Z",
          /(\\.\\d{3})\\d*Z$/,
          "$1Z"
        )
      : null
  )};
  $status := function($u) {(
    $code := $exists($u.StatusCode) and $u.StatusCode != null ? $string($u.StatusCode) : "";
    $code = "0" ? "active" : $code = "1" ? "inactive" : $code != "" ? $code : "unknown"
  )};
  $groupsOf := function($u) {(
    $g := $exists($u.Groups) and $u.Groups != null ? $u.Groups : $u.MemberOfGroups;
    $type($g) = "string"
      ? [$filter($map($split($g, ","), $trim), function($n) { $n != "" })].{ "name": $ }
      : $type($g) = "array"
        ? [$map($g, function($x) {
            $type($x) = "string" ? { "name": $x } : { "id": $string($x.Id), "name": $string($x.Name) }
          })]
        : []
  )};
  $map(Users, function($u) {(
    $first := $text($u.FirstName);
    $last := $text($u.LastName);
    $email := $text($u.EmailAddress);
    $role := $text($u.Role);
    $teamId := $text($u.TeamId);
    $groups := [
      $map($groupsOf($u), function($g) {{
        "id": ($g.id ? $g.id : $lookup($groupIds, $g.name)) ? ($g.id ? $g.id : $lookup($groupIds, $g.name)) : $g.name,
        "name": $g.name,
        "type": "group"
      }}),
      $teamId ? [{
        "id": $teamId,
        "name": $text($u.TeamName) ? $text($u.TeamName) : ($lookup($teamNames, $teamId) ? $lookup($teamNames, $teamId) : ""),
        "type": "team"
      }] : []
    ];
    {
      "id": $string($u.UserId ? $u.UserId : $u.ID),
      "first_name": $first,
      "last_name": $last,
      "name": $join([$first, $last][$ != null], " "),
      "emails": $email ? [{ "email": $email, "type": "work", "is_primary": true }] : [],
      "phones": [
        $text($u.PhoneMain) ? { "number": $u.PhoneMain, "extension": null, "type": "work" },
        $text($u.PhoneMobile) ? { "number": $u.PhoneMobile, "extension": null, "type": "mobile" },
        $text($u.PhoneOthers) ? { "number": $u.PhoneOthers, "extension": null, "type": "other" }
      ],
      "title": $text($u.Designation),
      "status": $status($u),
      "roles": $role ? [{ "id": $role, "name": $lookup($roleNames, $role) ? $lookup($roleNames, $role) : $role }] : [],
      "groups": $groups,
      "manager_id": $text($u.ManagerUserId),
      "timezone": $text($u.TimeZone),
      "created_at": $iso($u.CreatedOn),
      "updated_at": $iso($u.ModifiedOn),
      "remote_data": $u
    }
  )})
)
`;
