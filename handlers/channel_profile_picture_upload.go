package handlers

import (
	"context"
	"errors"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
	"io"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/profile"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// maxPictureRequest bounds the upload form. It is well above the 5 MB a
// picture may have, so that a picture slightly too large gets a clear
// answer instead of a dropped connection.
const maxPictureRequest = 12 << 20

// channelProfilePictureUpload takes a new profile picture: it checks the
// file (type from its bytes, size, dimensions), crops it to its centre
// square, uploads it through the provider's resumable upload and sets it
// on the profile. The picture is its own form, so a problem with it never
// costs the admin what they typed in the profile details.
func (s *Server) channelProfilePictureUpload(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	api, err := s.profileClient(r.Context(), ch)
	if errors.Is(err, errNoProfile) {
		s.flashError(w, r, i18n.T(r.Context(), "flash.provider.no_profile", "Provider", providerName(r.Context(), ch.Provider)))
		redirect(w, r, "/channels/"+itoa(ch.ID))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	refuse := func(msg string) {
		s.showProfileWith(w, r, ch, api, func(v *views.ProfileForm) { v.Errors["picture"] = msg })
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPictureRequest)
	if err := r.ParseMultipartForm(maxPictureRequest); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(fmt.Sprintf("The picture is larger than %d MB, the most WhatsApp accepts. Save a smaller version and try again.", providers.MaxProfilePictureBytes>>20))
			return
		}
		s.badRequest(w, r, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("picture")
	if errors.Is(err, http.ErrMissingFile) {
		refuse("Choose a JPEG or PNG picture to upload.")
		return
	}
	if err != nil {
		s.badRequest(w, r, err)
		return
	}
	data, err := io.ReadAll(io.LimitReader(file, providers.MaxProfilePictureBytes+1))
	file.Close()
	if err != nil {
		s.badRequest(w, r, err)
		return
	}
	pic, err := profile.PreparePicture(data)
	var pe *profile.PictureError
	if errors.As(err, &pe) {
		refuse(pe.Msg)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	switch {
	case api.pictures == nil:
		refuse(i18n.T(r.Context(), "flash.provider.no_picture", "Provider", providerName(r.Context(), ch.Provider)))
		return
	case ch.AppID == "":
		refuse("Add this channel's Meta App ID in the channel settings first: Meta takes uploads only for an app.")
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), profileUploadTimeout)
	defer cancel()
	handle, err := api.pictures.UploadProfilePicture(ctx, ch.AppID, pic.ProfilePicture)
	if err == nil {
		err = api.UpdateBusinessProfile(ctx, ch.PhoneNumberID, providers.BusinessProfile{ProfilePictureHandle: handle})
	}
	if err != nil {
		s.log.Warn("business profile: picture refused", "channel_id", ch.ID, "bytes", len(pic.Data), "err", err)
		s.showProfileWith(w, r, ch, api, func(v *views.ProfileForm) { profileProblem(r.Context(), v, err, "picture") })
		return
	}
	s.audit(r, auditProfilePicture, "channel", ch.ID, ch.Title, nil)
	s.log.Info("business profile picture changed", "channel_id", ch.ID, "bytes", len(pic.Data), "side", pic.Side,
		"cropped", pic.Cropped, "scaled", pic.Scaled, "turned", pic.Turned, "by", currentUser(r.Context()).ID)
	msg := providerName(r.Context(), ch.Provider) + " accepted the new profile picture" + pictureChanges(pic) + "."
	if got, err := api.GetBusinessProfile(ctx, ch.PhoneNumberID); err != nil || got.ProfilePictureURL == "" {
		msg += " It may take a moment before it shows here."
	}
	s.flashSuccess(w, r, msg)
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/profile")
}

// pictureChanges says in words what wadesk did to the chosen picture
// before uploading it, in parentheses, or nothing when it was uploaded as
// it was.
func pictureChanges(pic profile.Picture) string {
	var parts []string
	if pic.Turned {
		parts = append(parts, "turned upright as the camera recorded")
	}
	if pic.Cropped {
		square := min(pic.Width, pic.Height)
		parts = append(parts, fmt.Sprintf("the centre %d×%d square of your %d×%d picture", square, square, pic.Width, pic.Height))
	}
	if pic.Scaled {
		parts = append(parts, fmt.Sprintf("scaled down to %d×%d, the size WhatsApp shows", pic.Side, pic.Side))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// showProfileWith shows the profile page as the provider has it, with a
// problem added by apply (status 422). When the profile cannot be read,
// the problem goes above the page's own.
func (s *Server) showProfileWith(w http.ResponseWriter, r *http.Request, ch store.Channel, api profileAPI, apply func(*views.ProfileForm)) {
	ctx, cancel := context.WithTimeout(r.Context(), profileCallTimeout)
	defer cancel()
	var v views.ProfileForm
	bp, err := api.GetBusinessProfile(ctx, ch.PhoneNumberID)
	if err != nil {
		v = profileView(ch, api, profileFields{}, "")
		v.LoadProblem = i18n.T(r.Context(), "flash.provider.profile_unreadable", "Provider", providerName(r.Context(), ch.Provider), "Problem", plainError(r.Context(), err))
	} else {
		v = profileView(ch, api, profileFieldsOf(bp), pictureProxyURL(ch.ID, bp.ProfilePictureURL))
	}
	apply(&v)
	if v.LoadProblem != "" && v.Problem == "" {
		for _, msg := range v.Errors {
			v.Problem = msg
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, views.ProfilePage(s.page(w, r, i18n.T(r.Context(), "titles.business_profile", "Name", ch.Title), views.NavChannels), v))
}
