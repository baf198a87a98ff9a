// The bindings page's GraphQL operations, typed from the gateway's schema.
import { graphql, type ResultOf } from "../graphql.js";

/** The fields the table and the modify form read from a binding. */
export const BindingRowFields = graphql(`
  fragment BindingRowFields on Binding @_unmask {
    id
    subscriptionId
    virtualNum
    extendNum
    bindNum
    state
    recordFlag
    timeUnit
    bindExpiredTime
    expiresAt
    createdAt
    userData
    callbackNum
    callbackTone
  }
`);

/** A binding as the table shows it. */
export type BindingRow = ResultOf<typeof BindingRowFields>;

/** One page of bindings, newest first. */
export const BindingsQuery = graphql(
  `
    query Bindings($filter: BindingFilter, $first: Int, $after: String, $last: Int, $before: String) {
      bindings(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
        edges {
          node {
            ...BindingRowFields
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  `,
  [BindingRowFields],
);

/** The X numbers the gateway knows, for the X filter and the create form. */
export const VirtualNumbersQuery = graphql(`
  query VirtualNumbers {
    virtualNumbers {
      number
      status
    }
  }
`);

/** Any binding change, anywhere: the table refetches its page on each. */
export const BindingChangesSubscription = graphql(`
  subscription BindingChanges {
    bindingChanges {
      kind
      at
      binding {
        subscriptionId
      }
    }
  }
`);

/** A platform code and its meaning, from the gateway's code tables. */
const CodeFields = graphql(`
  fragment CodeFields on CodeDescription @_unmask {
    code
    description
    zh
    known
  }
`);

/** A refusal of the platform, with the code table's meaning of its result code. */
const PlatformErrorFields = graphql(
  `
    fragment PlatformErrorFields on PlatformError @_unmask {
      message
      resultcode
      resultdesc
      retryable
      category
      description {
        ...CodeFields
      }
    }
  `,
  [CodeFields],
);

/** Input the gateway refused, field by field. */
const ValidationErrorFields = graphql(`
  fragment ValidationErrorFields on ValidationError @_unmask {
    message
    fields {
      field
      message
    }
  }
`);

/** No binding matched (the platform's code, when it answered one). */
const NotFoundErrorFields = graphql(`
  fragment NotFoundErrorFields on NotFoundError @_unmask {
    message
    resultcode
    resultdesc
  }
`);

/** createBinding, with every result it may answer. */
export const CreateBindingMutation = graphql(
  `
    mutation CreateBinding($input: CreateBindingInput!) {
      createBinding(input: $input) {
        __typename
        ... on CreateBindingPayload {
          binding {
            ...BindingRowFields
          }
        }
        ...PlatformErrorFields
        ...ValidationErrorFields
        ... on VirtualNumberUnavailableError {
          message
          virtualNum
          status
          cause {
            ...CodeFields
          }
        }
      }
    }
  `,
  [BindingRowFields, CodeFields, PlatformErrorFields, ValidationErrorFields],
);

/** updateBinding, with every result it may answer. */
export const UpdateBindingMutation = graphql(
  `
    mutation UpdateBinding($input: UpdateBindingInput!) {
      updateBinding(input: $input) {
        __typename
        ... on UpdateBindingPayload {
          binding {
            ...BindingRowFields
          }
        }
        ...PlatformErrorFields
        ...ValidationErrorFields
        ...NotFoundErrorFields
      }
    }
  `,
  [BindingRowFields, PlatformErrorFields, ValidationErrorFields, NotFoundErrorFields],
);

/** deleteBinding, with every result it may answer. */
export const DeleteBindingMutation = graphql(
  `
    mutation DeleteBinding($input: DeleteBindingInput!) {
      deleteBinding(input: $input) {
        __typename
        ... on DeleteBindingPayload {
          subscriptionId
          binding {
            ...BindingRowFields
          }
        }
        ...PlatformErrorFields
        ...ValidationErrorFields
        ...NotFoundErrorFields
      }
    }
  `,
  [BindingRowFields, PlatformErrorFields, ValidationErrorFields, NotFoundErrorFields],
);
