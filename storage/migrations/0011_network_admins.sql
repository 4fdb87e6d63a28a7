-- Issue 9, who may do what: a network administrator moderates any association's post and
-- manages any association's members. Being one is a grant on top of a coordinator's role in
-- their own association, kept in its own table: the CHECK on members.role (and invites.role)
-- cannot be widened without rebuilding members, which ten tables reference. An administrator's
-- members.role stays 'coordinator', so every "coordinators of the association" query counts
-- them; storage.members reads the grant back as the role 'admin'.
CREATE TABLE network_admins (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    granted_at  TEXT NOT NULL
);

-- `boucle invite --role admin`: the code makes a coordinator who is also an administrator.
ALTER TABLE invites ADD COLUMN network_admin INTEGER NOT NULL DEFAULT 0;

-- /membres and the "last coordinator" rule read one association's members by role.
CREATE INDEX members_association_role ON members(association_id, status, role);
