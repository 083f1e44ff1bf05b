package telemetry

import (
	"google.golang.org/protobuf/encoding/protowire"
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// spanBatch is spans waiting for export, encoded as they ended (see
// appendSpan) and grouped by resource and instrumentation scope in
// the order the groups first appeared. A batch's buffers are kept when it
// is reset, for the next spans.
type spanBatch struct {
	groups []wireGroup
	last   int // the group of the previous span: usually the next one's
	n      int // spans in the batch
}

// wireGroup is the encoded spans of one resource and scope.
type wireGroup struct {
	key   groupKey
	res   *resource.Resource
	scope instrumentation.Scope
	spans []byte // ScopeSpans.spans fields, back to back
}

// addEncoded adds a span encoded already (body, appendSpan's) to the batch.
func (b *spanBatch) addEncoded(s sdktrace.ReadOnlySpan, body []byte) {
	key := groupKey{s.Resource().Equivalent(), s.InstrumentationScope()}
	g := b.last
	if g >= len(b.groups) || b.groups[g].key != key {
		g = -1
		for i := range b.groups {
			if b.groups[i].key == key {
				g = i
				break
			}
		}
		if g < 0 {
			g = len(b.groups)
			b.groups = append(b.groups, wireGroup{key: key, res: s.Resource(), scope: s.InstrumentationScope()})
		}
		b.last = g
	}
	spans := protowire.AppendTag(b.groups[g].spans, scopeSpansSpans, protowire.BytesType)
	b.groups[g].spans = protowire.AppendBytes(spans, body)
	b.n++
}

// reset empties the batch, keeping its groups' buffers.
func (b *spanBatch) reset() {
	for i := range b.groups {
		b.groups[i].spans = b.groups[i].spans[:0]
	}
	b.n = 0
}

// requestBuilder turns batches into the messages of export requests. The
// spans travel as the raw content of their ScopeSpans message (proto.Marshal
// copies a message's unknown fields as they are), so building a request is
// a few messages per resource and scope, whatever the number of spans.
type requestBuilder struct {
	// resources and scopes are built once per resource and scope (a
	// process has one of each, or a few).
	resources map[attribute.Distinct]*resourcepb.Resource
	scopes    map[instrumentation.Scope]*commonpb.InstrumentationScope

	out []*tracepb.ResourceSpans
}

// build returns the resource spans of b, valid while b is not changed.
func (r *requestBuilder) build(b *spanBatch) []*tracepb.ResourceSpans {
	if r.resources == nil {
		r.resources = map[attribute.Distinct]*resourcepb.Resource{}
		r.scopes = map[instrumentation.Scope]*commonpb.InstrumentationScope{}
	}
	clear(r.out)
	r.out = r.out[:0]
	for i := range b.groups {
		g := &b.groups[i]
		if len(g.spans) == 0 {
			continue
		}
		res := r.resourceOf(g.res, g.key.res)
		var rs *tracepb.ResourceSpans
		for _, o := range r.out {
			if o.Resource == res {
				rs = o
			}
		}
		if rs == nil {
			rs = &tracepb.ResourceSpans{Resource: res}
			if g.res != nil {
				rs.SchemaUrl = g.res.SchemaURL()
			}
			r.out = append(r.out, rs)
		}
		ss := &tracepb.ScopeSpans{Scope: r.scopeOf(g.scope), SchemaUrl: g.scope.SchemaURL}
		ss.ProtoReflect().SetUnknown(protoreflect.RawFields(g.spans[:len(g.spans):len(g.spans)]))
		rs.ScopeSpans = append(rs.ScopeSpans, ss)
	}
	return r.out
}

func (r *requestBuilder) resourceOf(res *resource.Resource, key attribute.Distinct) *resourcepb.Resource {
	if res == nil {
		return nil
	}
	m, ok := r.resources[key]
	if !ok {
		m = &resourcepb.Resource{Attributes: keyValues(res.Attributes())}
		r.resources[key] = m
	}
	return m
}

func (r *requestBuilder) scopeOf(scope instrumentation.Scope) *commonpb.InstrumentationScope {
	if scope == (instrumentation.Scope{}) {
		return nil
	}
	m, ok := r.scopes[scope]
	if !ok {
		m = &commonpb.InstrumentationScope{Name: scope.Name, Version: scope.Version,
			Attributes: keyValues(scope.Attributes.ToSlice())}
		r.scopes[scope] = m
	}
	return m
}

// groupKey is the resource and the instrumentation scope of a span.
type groupKey struct {
	res   attribute.Distinct
	scope instrumentation.Scope
}

// keyValues converts attributes into new messages (resources, scopes,
// events and links: rare enough not to need the buffers).
func keyValues(attrs []attribute.KeyValue) []*commonpb.KeyValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make([]*commonpb.KeyValue, len(attrs))
	for i, a := range attrs {
		out[i] = &commonpb.KeyValue{Key: string(a.Key), Value: anyValue(a.Value)}
	}
	return out
}

// anyValue converts one attribute value into a new message.
func anyValue(v attribute.Value) *commonpb.AnyValue {
	av := &commonpb.AnyValue{}
	switch v.Type() {
	case attribute.STRING:
		av.Value = &commonpb.AnyValue_StringValue{StringValue: v.AsString()}
	case attribute.INT64:
		av.Value = &commonpb.AnyValue_IntValue{IntValue: v.AsInt64()}
	case attribute.BOOL:
		av.Value = &commonpb.AnyValue_BoolValue{BoolValue: v.AsBool()}
	case attribute.FLOAT64:
		av.Value = &commonpb.AnyValue_DoubleValue{DoubleValue: v.AsFloat64()}
	case attribute.BYTESLICE:
		av.Value = &commonpb.AnyValue_BytesValue{BytesValue: v.AsByteSlice()}
	case attribute.STRINGSLICE:
		av.Value = array(v.AsStringSlice(), attribute.StringValue)
	case attribute.INT64SLICE:
		av.Value = array(v.AsInt64Slice(), attribute.Int64Value)
	case attribute.BOOLSLICE:
		av.Value = array(v.AsBoolSlice(), attribute.BoolValue)
	case attribute.FLOAT64SLICE:
		av.Value = array(v.AsFloat64Slice(), attribute.Float64Value)
	case attribute.SLICE:
		av.Value = array(v.AsSlice(), func(v attribute.Value) attribute.Value { return v })
	case attribute.MAP:
		av.Value = &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: keyValues(v.AsMap())}}
	case attribute.EMPTY:
	default:
		av.Value = &commonpb.AnyValue_StringValue{StringValue: "INVALID"}
	}
	return av
}

// array converts a slice attribute into an array value.
func array[T any](vals []T, value func(T) attribute.Value) *commonpb.AnyValue_ArrayValue {
	out := make([]*commonpb.AnyValue, len(vals))
	for i, v := range vals {
		out[i] = anyValue(value(v))
	}
	return &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: out}}
}

func events(es []sdktrace.Event) []*tracepb.Span_Event {
	if len(es) == 0 {
		return nil
	}
	out := make([]*tracepb.Span_Event, len(es))
	for i, e := range es {
		out[i] = &tracepb.Span_Event{Name: e.Name, TimeUnixNano: unixNano(e.Time.UnixNano()),
			Attributes: keyValues(e.Attributes), DroppedAttributesCount: clampUint32(e.DroppedAttributeCount)}
	}
	return out
}

func links(ls []sdktrace.Link) []*tracepb.Span_Link {
	if len(ls) == 0 {
		return nil
	}
	out := make([]*tracepb.Span_Link, len(ls))
	for i, l := range ls {
		tid, sid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		out[i] = &tracepb.Span_Link{TraceId: tid[:], SpanId: sid[:], TraceState: l.SpanContext.TraceState().String(),
			Attributes: keyValues(l.Attributes), DroppedAttributesCount: clampUint32(l.DroppedAttributeCount),
			Flags: spanFlags(l.SpanContext.TraceFlags(), l.SpanContext)}
	}
	return out
}

// spanFlags are the W3C trace flags with the bit saying whether the parent
// is remote known, and the bit saying it is.
func spanFlags(tf trace.TraceFlags, parent trace.SpanContext) uint32 {
	flags := uint32(tf) | uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK)
	if parent.IsRemote() {
		flags |= uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK)
	}
	return flags
}

func statusCode(c codes.Code) tracepb.Status_StatusCode {
	switch c {
	case codes.Ok:
		return tracepb.Status_STATUS_CODE_OK
	case codes.Error:
		return tracepb.Status_STATUS_CODE_ERROR
	}
	return tracepb.Status_STATUS_CODE_UNSET
}

func spanKind(k trace.SpanKind) tracepb.Span_SpanKind {
	switch k {
	case trace.SpanKindInternal:
		return tracepb.Span_SPAN_KIND_INTERNAL
	case trace.SpanKindClient:
		return tracepb.Span_SPAN_KIND_CLIENT
	case trace.SpanKindServer:
		return tracepb.Span_SPAN_KIND_SERVER
	case trace.SpanKindProducer:
		return tracepb.Span_SPAN_KIND_PRODUCER
	case trace.SpanKindConsumer:
		return tracepb.Span_SPAN_KIND_CONSUMER
	}
	return tracepb.Span_SPAN_KIND_UNSPECIFIED
}

func unixNano(ns int64) uint64 { return uint64(max(0, ns)) }

func clampUint32(v int) uint32 {
	if v < 0 {
		return 0
	}
	if int64(v) > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(v)
}
