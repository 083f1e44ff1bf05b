package telemetry

import (
	"context"
	"math"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// exporter sends batches of spans through an OTLP client (the OTLP/HTTP
// client of the SDK, which reads the OTEL_EXPORTER_OTLP_* variables and
// retries). It does what the SDK's otlptrace exporter does, with one
// difference: the protobuf messages of a batch come from buffers kept from
// one batch to the next, where the SDK's exporter allocates about a dozen
// objects per span (the message, each attribute's key-value, value and
// one-of wrapper, the status). At a few spans per request that was most of
// the garbage tracing made.
type exporter struct {
	client otlptrace.Client

	mu  sync.Mutex // one batch at a time: the buffers are shared
	buf batch
}

func newExporter(client otlptrace.Client) *exporter { return &exporter{client: client} }

// Start starts the client.
func (e *exporter) Start(ctx context.Context) error { return e.client.Start(ctx) }

// ExportSpans implements sdktrace.SpanExporter. The client marshals the
// messages before UploadTraces returns, so the buffers are free again when
// it does.
func (e *exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.client.UploadTraces(ctx, e.buf.build(spans))
}

// Shutdown implements sdktrace.SpanExporter.
func (e *exporter) Shutdown(ctx context.Context) error { return e.client.Stop(ctx) }

// batch holds the messages of one export, reused by the next.
type batch struct {
	spans    []tracepb.Span
	spanPtrs []*tracepb.Span
	statuses []tracepb.Status
	ids      []byte // trace, span and parent IDs: 32 bytes a span
	kvs      []commonpb.KeyValue
	kvPtrs   []*commonpb.KeyValue
	values   []commonpb.AnyValue
	strs     []commonpb.AnyValue_StringValue
	ints     []commonpb.AnyValue_IntValue
	bools    []commonpb.AnyValue_BoolValue
	doubles  []commonpb.AnyValue_DoubleValue

	// resources and scopes are built once per resource and scope (a
	// process has one of each, or a few).
	resources map[attribute.Distinct]*resourcepb.Resource
	scopes    map[instrumentation.Scope]*commonpb.InstrumentationScope

	out []*tracepb.ResourceSpans
}

// grow returns s with length n, reusing its array when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// build converts spans into the messages of one export request, grouped by
// resource and instrumentation scope in the order they first appear.
func (b *batch) build(spans []sdktrace.ReadOnlySpan) []*tracepb.ResourceSpans {
	attrs := 0
	for _, s := range spans {
		attrs += len(s.Attributes())
	}
	b.spans = grow(b.spans, len(spans))
	b.spanPtrs = grow(b.spanPtrs, len(spans))
	b.statuses = grow(b.statuses, len(spans))
	b.ids = grow(b.ids, 32*len(spans))
	b.kvs = grow(b.kvs, attrs)
	b.kvPtrs = grow(b.kvPtrs, attrs)
	b.values = grow(b.values, attrs)
	b.strs = grow(b.strs, attrs)
	b.ints = grow(b.ints, attrs)
	b.bools = grow(b.bools, attrs)
	b.doubles = grow(b.doubles, attrs)
	if b.resources == nil {
		b.resources = map[attribute.Distinct]*resourcepb.Resource{}
		b.scopes = map[instrumentation.Scope]*commonpb.InstrumentationScope{}
	}
	for i := range b.out {
		b.out[i] = nil
	}
	b.out = b.out[:0]
	groups := map[groupKey]spanGroup{}
	var last groupKey
	var lastGroup spanGroup
	kv := 0
	for i, s := range spans {
		key := groupKey{s.Resource().Equivalent(), s.InstrumentationScope()}
		g := lastGroup
		if i == 0 || key != last {
			var ok bool
			if g, ok = groups[key]; !ok {
				g = b.group(s.Resource(), key.res, key.scope)
				groups[key] = g
			}
			last, lastGroup = key, g
		}
		b.span(i, s, &kv)
		g.ss.Spans = append(g.ss.Spans, &b.spans[i])
	}
	return b.out
}

// groupKey is the resource and the instrumentation scope of a span.
type groupKey struct {
	res   attribute.Distinct
	scope instrumentation.Scope
}

// spanGroup is where the spans of one resource and scope go.
type spanGroup struct {
	rs *tracepb.ResourceSpans
	ss *tracepb.ScopeSpans
}

// group returns a new scope group under the resource's group (made when
// the resource is new to this batch).
func (b *batch) group(res *resource.Resource, key attribute.Distinct, scope instrumentation.Scope) (g spanGroup) {
	for _, rs := range b.out {
		if rs.Resource == b.resourceOf(res, key) {
			g.rs = rs
		}
	}
	if g.rs == nil {
		g.rs = &tracepb.ResourceSpans{Resource: b.resourceOf(res, key), SchemaUrl: res.SchemaURL()}
		b.out = append(b.out, g.rs)
	}
	g.ss = &tracepb.ScopeSpans{Scope: b.scopeOf(scope), SchemaUrl: scope.SchemaURL}
	g.rs.ScopeSpans = append(g.rs.ScopeSpans, g.ss)
	return g
}

func (b *batch) resourceOf(res *resource.Resource, key attribute.Distinct) *resourcepb.Resource {
	if res == nil {
		return nil
	}
	r, ok := b.resources[key]
	if !ok {
		r = &resourcepb.Resource{Attributes: keyValues(res.Attributes())}
		b.resources[key] = r
	}
	return r
}

func (b *batch) scopeOf(scope instrumentation.Scope) *commonpb.InstrumentationScope {
	if scope == (instrumentation.Scope{}) {
		return nil
	}
	s, ok := b.scopes[scope]
	if !ok {
		s = &commonpb.InstrumentationScope{Name: scope.Name, Version: scope.Version,
			Attributes: keyValues(scope.Attributes.ToSlice())}
		b.scopes[scope] = s
	}
	return s
}

// span fills the i-th span message from s, its attributes from the
// buffers at *kv onwards.
func (b *batch) span(i int, s sdktrace.ReadOnlySpan, kv *int) {
	sc, parent := s.SpanContext(), s.Parent()
	ids := b.ids[32*i : 32*(i+1) : 32*(i+1)]
	tid, sid, psid := sc.TraceID(), sc.SpanID(), parent.SpanID()
	copy(ids[0:16], tid[:])
	copy(ids[16:24], sid[:])
	st := s.Status()
	b.statuses[i] = tracepb.Status{Code: statusCode(st.Code), Message: st.Description}
	m := &b.spans[i]
	*m = tracepb.Span{
		TraceId:                ids[0:16:16],
		SpanId:                 ids[16:24:24],
		TraceState:             sc.TraceState().String(),
		Flags:                  spanFlags(sc.TraceFlags(), parent),
		Name:                   s.Name(),
		Kind:                   spanKind(s.SpanKind()),
		StartTimeUnixNano:      unixNano(s.StartTime().UnixNano()),
		EndTimeUnixNano:        unixNano(s.EndTime().UnixNano()),
		Status:                 &b.statuses[i],
		Events:                 events(s.Events()),
		Links:                  links(s.Links()),
		DroppedAttributesCount: clampUint32(s.DroppedAttributes()),
		DroppedEventsCount:     clampUint32(s.DroppedEvents()),
		DroppedLinksCount:      clampUint32(s.DroppedLinks()),
	}
	if psid.IsValid() {
		copy(ids[24:32], psid[:])
		m.ParentSpanId = ids[24:32:32]
	}
	attrs := s.Attributes()
	if len(attrs) > 0 {
		start := *kv
		for _, a := range attrs {
			b.keyValue(*kv, a)
			*kv++
		}
		m.Attributes = b.kvPtrs[start:*kv:*kv]
	}
}

// keyValue fills the j-th key-value of the buffers with a.
func (b *batch) keyValue(j int, a attribute.KeyValue) {
	v := &b.values[j]
	switch a.Value.Type() {
	case attribute.STRING:
		b.strs[j] = commonpb.AnyValue_StringValue{StringValue: a.Value.AsString()}
		*v = commonpb.AnyValue{Value: &b.strs[j]}
	case attribute.INT64:
		b.ints[j] = commonpb.AnyValue_IntValue{IntValue: a.Value.AsInt64()}
		*v = commonpb.AnyValue{Value: &b.ints[j]}
	case attribute.BOOL:
		b.bools[j] = commonpb.AnyValue_BoolValue{BoolValue: a.Value.AsBool()}
		*v = commonpb.AnyValue{Value: &b.bools[j]}
	case attribute.FLOAT64:
		b.doubles[j] = commonpb.AnyValue_DoubleValue{DoubleValue: a.Value.AsFloat64()}
		*v = commonpb.AnyValue{Value: &b.doubles[j]}
	default:
		*v = commonpb.AnyValue{}
		v.Value = anyValue(a.Value).Value
	}
	b.kvs[j] = commonpb.KeyValue{Key: string(a.Key), Value: v}
	b.kvPtrs[j] = &b.kvs[j]
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
