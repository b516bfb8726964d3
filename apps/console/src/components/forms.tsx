import type { ReactNode } from 'react';
import { Button, Checkbox, FieldError, Input, type Key, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text, TextArea, TextField } from 'react-aria-components';

interface FieldProps {
  label: string;
  /** The API's message for this field (problem+json `errors[]`), shown under it and announced with it. */
  error?: string;
  description?: ReactNode;
  isRequired?: boolean;
  isDisabled?: boolean;
  name?: string;
  className?: string;
}

export function TextInput(
  props: FieldProps & { value: string; onChange(value: string): void; type?: 'text' | 'password' | 'url' | 'search'; placeholder?: string; autoComplete?: string; inputMode?: 'numeric' | 'text' },
) {
  return (
    <TextField
      className={`field ${props.className ?? ''}`}
      name={props.name}
      value={props.value}
      onChange={props.onChange}
      type={props.type ?? 'text'}
      isRequired={props.isRequired}
      isDisabled={props.isDisabled}
      isInvalid={!!props.error}
      autoComplete={props.autoComplete}
      inputMode={props.inputMode}
    >
      <Label>{props.label}</Label>
      <Input placeholder={props.placeholder} />
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError>{props.error}</FieldError>
    </TextField>
  );
}

export function TextAreaInput(props: FieldProps & { value: string; onChange(value: string): void; rows?: number; placeholder?: string; monospace?: boolean }) {
  return (
    <TextField className={`field ${props.className ?? ''}`} name={props.name} value={props.value} onChange={props.onChange} isRequired={props.isRequired} isDisabled={props.isDisabled} isInvalid={!!props.error}>
      <Label>{props.label}</Label>
      <TextArea rows={props.rows ?? 4} placeholder={props.placeholder} className={props.monospace ? 'mono' : undefined} spellCheck={props.monospace ? false : undefined} />
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError>{props.error}</FieldError>
    </TextField>
  );
}

export interface Option {
  id: string;
  label: string;
}

export function SelectInput(props: FieldProps & { value: string | undefined; onChange(value: string): void; options: readonly Option[]; placeholder?: string }) {
  return (
    <Select
      className={`field ${props.className ?? ''}`}
      name={props.name}
      value={props.value ?? null}
      onChange={(key: Key | null) => key !== null && props.onChange(String(key))}
      isRequired={props.isRequired}
      isDisabled={props.isDisabled}
      isInvalid={!!props.error}
      placeholder={props.placeholder ?? 'Choose…'}
    >
      <Label>{props.label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError>{props.error}</FieldError>
      <Popover className="popover">
        <ListBox className="listbox" items={props.options}>
          {(o) => (
            <ListBoxItem id={o.id} className="listbox-item" textValue={o.label}>
              {o.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function CheckboxInput(props: { label: ReactNode; isSelected: boolean; onChange(value: boolean): void; isDisabled?: boolean; description?: string; name?: string }) {
  return (
    <Checkbox className="checkbox" name={props.name} isSelected={props.isSelected} onChange={props.onChange} isDisabled={props.isDisabled}>
      <span className="checkbox-box" aria-hidden="true">
        <svg viewBox="0 0 18 18">
          <polyline points="2 9 7 14 16 4" />
        </svg>
      </span>
      <span>
        {props.label}
        {props.description && <span className="hint"> {props.description}</span>}
      </span>
    </Checkbox>
  );
}

/** Messages of a problem that no field of the form shows. */
export function FormErrors({ messages }: { messages: string[] }) {
  if (!messages.length) return null;
  return (
    <ul className="form-errors" role="alert">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}
