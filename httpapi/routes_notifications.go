package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/unet-dev/unet"
)

// RedeliverRequest is the body of the redeliver route.
type RedeliverRequest struct {
	EventID int64 `json:"event_id"`
}

// notificationRoutes are the routes of notification subscriptions: add,
// list, show, remove, test, their deliveries and the redelivery of a dead
// letter.
func (s *Server) notificationRoutes() []Route {
	nameParam := []Param{{Name: "name", Type: "string", Description: "subscription name"}}
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/notifications", Permission: PermNotificationsRead, OperationID: "listNotifications",
			Tag: "notifications", Summary: "Notification subscriptions with their delivery state (URLs redacted)",
			Status: http.StatusOK, Result: unet.List[unet.Subscription]{}, handle: s.listNotifications},
		{Method: http.MethodPost, Path: BasePath + "/notifications", Permission: PermNotificationsWrite, OperationID: "addNotification",
			Tag: "notifications", Summary: "Add a notification subscription (webhook or email); it starts at the current last event",
			Query: []Param{reasonParam()}, Body: unet.Subscription{}, Status: http.StatusCreated, Result: unet.Subscription{}, handle: s.addNotification},
		{Method: http.MethodGet, Path: BasePath + "/notifications/{name}", Permission: PermNotificationsRead, OperationID: "getNotification",
			Tag: "notifications", Summary: "One notification subscription with its delivery state (URL redacted)",
			PathParams: nameParam, Status: http.StatusOK, Result: unet.Subscription{}, handle: s.getNotification},
		{Method: http.MethodDelete, Path: BasePath + "/notifications/{name}", Permission: PermNotificationsWrite, OperationID: "deleteNotification",
			Tag: "notifications", Summary: "Remove a notification subscription and its delivery records",
			PathParams: nameParam, Query: []Param{reasonParam()}, Status: http.StatusNoContent, handle: s.deleteNotification},
		{Method: http.MethodPost, Path: BasePath + "/notifications/{name}/test", Permission: PermNotificationsWrite, OperationID: "testNotification",
			Tag: "notifications", Summary: "Send a notify.test event to the subscription now and report the outcome",
			PathParams: nameParam, Status: http.StatusOK, Result: unet.Delivery{}, handle: s.testNotification},
		{Method: http.MethodGet, Path: BasePath + "/notifications/{name}/deliveries", Permission: PermNotificationsRead, OperationID: "listNotificationDeliveries",
			Tag: "notifications", Summary: "Delivery attempts of a subscription, newest first (outcome=dead: the dead letters)",
			PathParams: nameParam, Query: []Param{
				{Name: "outcome", Type: "string", Description: "only this outcome: delivered, failed, dead or test"},
				{Name: "limit", Type: "integer", Description: "at most this many (default 100, at most 1000)"},
			}, Status: http.StatusOK, Result: unet.List[unet.Delivery]{}, handle: s.listNotificationDeliveries},
		{Method: http.MethodPost, Path: BasePath + "/notifications/{name}/redeliver", Permission: PermNotificationsWrite, OperationID: "redeliverNotification",
			Tag: "notifications", Summary: "Send a dead-lettered event to the subscription again, now, and report the outcome",
			PathParams: nameParam, Body: RedeliverRequest{}, Status: http.StatusOK, Result: unet.Delivery{}, handle: s.redeliverNotification},
	}
}

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) error {
	list, err := listOf(s.svc.ListSubscriptions(r.Context()))
	return reply(s, w, http.StatusOK, list, err)
}

func (s *Server) addNotification(w http.ResponseWriter, r *http.Request) error {
	var b unet.Subscription
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	sub, err := s.svc.AddSubscription(r.Context(), b, unet.WriteOptions{Reason: r.URL.Query().Get("reason")})
	return reply(s, w, http.StatusCreated, sub, err)
}

func (s *Server) getNotification(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.svc.GetSubscription(r.Context(), r.PathValue("name"))
	return reply(s, w, http.StatusOK, sub, err)
}

func (s *Server) deleteNotification(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveSubscription(r.Context(), r.PathValue("name"), unet.DeleteOptions{Reason: r.URL.Query().Get("reason")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) testNotification(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.TestSubscription(r.Context(), r.PathValue("name"))
	return reply(s, w, http.StatusOK, d, err)
}

func (s *Server) listNotificationDeliveries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	list, err := listOf(s.svc.ListDeliveries(r.Context(), r.PathValue("name"), unet.DeliveryFilter{Outcome: q.Get("outcome"), Limit: limit}))
	return reply(s, w, http.StatusOK, list, err)
}

func (s *Server) redeliverNotification(w http.ResponseWriter, r *http.Request) error {
	return decodeAndReply(s, w, r, func(ctx context.Context, b RedeliverRequest) (*unet.Delivery, error) {
		return s.svc.Redeliver(ctx, r.PathValue("name"), b.EventID)
	})
}

var _ unet.NotificationService = (*Client)(nil)

func notificationPath(name string, rest string) string {
	return BasePath + "/notifications/" + url.PathEscape(name) + rest
}

// AddSubscription adds a notification subscription on the server.
func (c *Client) AddSubscription(ctx context.Context, sub unet.Subscription, o unet.WriteOptions) (*unet.Subscription, error) {
	return fetch[unet.Subscription](ctx, c, call{method: http.MethodPost, path: BasePath + "/notifications", query: writeQuery(o.Reason), body: sub})
}

// ListSubscriptions lists the server's notification subscriptions.
func (c *Client) ListSubscriptions(ctx context.Context) ([]unet.Subscription, error) {
	l, err := fetch[unet.List[unet.Subscription]](ctx, c, call{method: http.MethodGet, path: BasePath + "/notifications"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// GetSubscription returns one notification subscription.
func (c *Client) GetSubscription(ctx context.Context, name string) (*unet.Subscription, error) {
	return fetch[unet.Subscription](ctx, c, call{method: http.MethodGet, path: notificationPath(name, "")})
}

// RemoveSubscription removes a notification subscription.
func (c *Client) RemoveSubscription(ctx context.Context, name string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: notificationPath(name, ""), query: writeQuery(o.Reason)})
}

// TestSubscription sends a test event through the server.
func (c *Client) TestSubscription(ctx context.Context, name string) (*unet.Delivery, error) {
	return fetch[unet.Delivery](ctx, c, call{method: http.MethodPost, path: notificationPath(name, "/test")})
}

// ListDeliveries lists a subscription's delivery attempts, newest first.
func (c *Client) ListDeliveries(ctx context.Context, name string, f unet.DeliveryFilter) ([]unet.Delivery, error) {
	q := url.Values{}
	if f.Outcome != "" {
		q.Set("outcome", f.Outcome)
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	l, err := fetch[unet.List[unet.Delivery]](ctx, c, call{method: http.MethodGet, path: notificationPath(name, "/deliveries"), query: q})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// Redeliver sends a dead letter again through the server.
func (c *Client) Redeliver(ctx context.Context, name string, eventID int64) (*unet.Delivery, error) {
	return fetch[unet.Delivery](ctx, c, call{method: http.MethodPost, path: notificationPath(name, "/redeliver"), body: RedeliverRequest{EventID: eventID}})
}
